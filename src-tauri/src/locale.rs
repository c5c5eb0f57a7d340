//! The few words the shell itself shows (tray, a notification's action), in the two
//! languages of the UI. The web UI has its own catalogue; these appear outside the window.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    English,
    Chinese,
}

impl Locale {
    /// Follows the POSIX locale variables in their order of precedence.
    pub fn from_env() -> Self {
        let tag = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        Self::from_tag(&tag)
    }

    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Locale::Chinese
        } else {
            Locale::English
        }
    }

    pub fn app_name(self) -> &'static str {
        match self {
            Locale::English => "NOC Console",
            Locale::Chinese => "NOC 监控台",
        }
    }

    pub fn show_console(self) -> &'static str {
        match self {
            Locale::English => "Show console",
            Locale::Chinese => "显示监控台",
        }
    }

    pub fn quit(self) -> &'static str {
        match self {
            Locale::English => "Quit",
            Locale::Chinese => "退出",
        }
    }

    pub fn critical_open(self, count: usize) -> String {
        match (self, count) {
            (Locale::English, 0) => "No open critical incidents".to_owned(),
            (Locale::English, 1) => "1 open critical incident".to_owned(),
            (Locale::English, n) => format!("{n} open critical incidents"),
            (Locale::Chinese, 0) => "无未关闭的严重故障".to_owned(),
            (Locale::Chinese, n) => format!("{n} 个未关闭的严重故障"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_tags_select_chinese() {
        assert_eq!(Locale::from_tag("zh_CN.UTF-8"), Locale::Chinese);
        assert_eq!(Locale::from_tag("zh-Hans"), Locale::Chinese);
        assert_eq!(Locale::from_tag("en_US.UTF-8"), Locale::English);
        assert_eq!(Locale::from_tag(""), Locale::English);
        assert_eq!(Locale::from_tag("C"), Locale::English);
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(
            Locale::English.critical_open(0),
            "No open critical incidents"
        );
        assert_eq!(Locale::English.critical_open(1), "1 open critical incident");
        assert_eq!(
            Locale::English.critical_open(3),
            "3 open critical incidents"
        );
        assert_eq!(Locale::Chinese.critical_open(2), "2 个未关闭的严重故障");
    }
}
