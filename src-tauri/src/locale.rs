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

    /// The `lang` of the shell's own pages.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::English => "en",
            Locale::Chinese => "zh",
        }
    }

    pub fn wall_title(self) -> &'static str {
        match self {
            Locale::English => "NOC Wall",
            Locale::Chinese => "NOC 大屏",
        }
    }

    pub fn open_wall_on(self, monitor: &str) -> String {
        match self {
            Locale::English => format!("Open wall on {monitor}"),
            Locale::Chinese => format!("在 {monitor} 上打开大屏"),
        }
    }

    /// The tray's first line while the console follows a team hub: its count lives in
    /// the console window, which holds the operator's session.
    pub fn team_hub(self, hub: &str) -> String {
        match self {
            Locale::English => format!("Team hub {hub}"),
            Locale::Chinese => format!("团队中心 {hub}"),
        }
    }

    pub fn shell(self) -> ShellWords {
        match self {
            Locale::English => ShellWords {
                connecting: "Connecting to the team hub…",
                trust_heading: "Is this your team hub?",
                trust_compare: "Compare this certificate fingerprint with the one the hub printed \
                    when it started. Trust it only if they are the same.",
                trust_certified: "An authority this computer trusts issued this certificate.",
                trust: "They match: trust this hub",
                problem_heading: "The team hub cannot be used",
                retry: "Retry",
                use_own: "Use this computer's own hub",
            },
            Locale::Chinese => ShellWords {
                connecting: "正在连接团队中心…",
                trust_heading: "这是你们团队的中心吗？",
                trust_compare: "请将此证书指纹与中心启动时打印的指纹核对，完全一致才信任它。",
                trust_certified: "此证书由本机信任的证书机构签发。",
                trust: "一致：信任此中心",
                problem_heading: "无法使用团队中心",
                retry: "重试",
                use_own: "使用本机自带的中心",
            },
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

/// The words of the shell's own pages (see `shell_page`).
pub struct ShellWords {
    pub connecting: &'static str,
    pub trust_heading: &'static str,
    pub trust_compare: &'static str,
    pub trust_certified: &'static str,
    pub trust: &'static str,
    pub problem_heading: &'static str,
    pub retry: &'static str,
    pub use_own: &'static str,
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
