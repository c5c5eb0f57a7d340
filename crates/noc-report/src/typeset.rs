//! The PDF's text, set directly with krilla from fonts read once per process. Each
//! character is written in the first font of a short chain that has it (a CJK family,
//! then Latin families for symbols it lacks), looked up once per character and report:
//! letting a general SVG text engine do this for every table cell costs seconds per
//! hundred pages.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::geom::Point;
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use usvg::fontdb;

use crate::ReportError;

/// Families tried first for Chinese, in order; any other face that has the glyphs
/// will do after them.
const CJK_FAMILIES: [&str; 6] = [
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "Noto Sans SC",
    "Droid Sans Fallback",
];
const LATIN_FAMILIES: [&str; 4] = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans"];

/// The machine's fonts, read once.
pub struct Fonts {
    /// All of them, for the charts' SVG text.
    pub(crate) db: Arc<fontdb::Database>,
    /// The faces the report's own text is set in, first choice first.
    chain: Vec<ChainFace>,
    /// The family that writes Chinese, when the machine has one.
    pub cjk: Option<String>,
}

struct ChainFace {
    data: Arc<Vec<u8>>,
    index: u32,
    font: Font,
}

impl Fonts {
    /// The system's fonts (read once per process: scanning them takes a while).
    pub fn system() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            Fonts::from_database(db)
        })
    }

    fn from_database(mut db: fontdb::Database) -> Fonts {
        let cjk = cjk_family(&db);
        let latin: Vec<&str> = LATIN_FAMILIES
            .iter()
            .copied()
            .filter(|family| regular_face(&db, family).is_some())
            .collect();
        // The CJK family writes Latin too; a Latin family covers what it lacks.
        if let Some(family) = cjk.as_deref().or(latin.first().copied()) {
            db.set_sans_serif_family(family);
        }
        let mut chain: Vec<ChainFace> = cjk
            .as_deref()
            .into_iter()
            .chain(latin)
            .filter_map(|family| chain_face(&db, family))
            .collect();
        if chain.is_empty() {
            chain.extend(any_latin_face(&db));
        }
        Fonts {
            db: Arc::new(db),
            chain,
            cjk,
        }
    }
}

fn cjk_family(db: &fontdb::Database) -> Option<String> {
    let writes_chinese = |face: &fontdb::FaceInfo| {
        db.with_face_data(face.id, |data, index| {
            ttf_parser::Face::parse(data, index)
                .is_ok_and(|f| f.glyph_index('报').is_some() && f.glyph_index('A').is_some())
        })
        .unwrap_or(false)
    };
    CJK_FAMILIES
        .iter()
        .filter_map(|family| regular_face(db, family))
        .find(|face| writes_chinese(face))
        .or_else(|| db.faces().find(|face| writes_chinese(face)))
        .and_then(|face| face.families.first().map(|(name, _)| name.clone()))
}

/// Any face that writes Latin, for a machine with none of the families named here.
fn any_latin_face(db: &fontdb::Database) -> Option<ChainFace> {
    db.faces()
        .filter_map(|face| face.families.first())
        .find_map(|(family, _)| {
            chain_face(db, family).filter(|f| {
                ttf_parser::Face::parse(&f.data, f.index)
                    .is_ok_and(|p| p.glyph_index('A').is_some())
            })
        })
}

/// The family's upright face of normal weight, or any of its faces.
fn regular_face<'d>(db: &'d fontdb::Database, family: &str) -> Option<&'d fontdb::FaceInfo> {
    let query = fontdb::Query {
        families: &[fontdb::Family::Name(family)],
        ..Default::default()
    };
    let id = db.query(&query)?;
    db.face(id)
}

fn chain_face(db: &fontdb::Database, family: &str) -> Option<ChainFace> {
    let face = regular_face(db, family)?;
    let (data, index) = db.with_face_data(face.id, |data, index| (data.to_vec(), index))?;
    let data = Arc::new(data);
    let font = Font::new(data.clone().into(), index)?;
    Some(ChainFace { data, index, font })
}

/// A character as drawn: which face of the chain, its glyph and its advance in ems.
#[derive(Clone, Copy)]
struct Placed {
    face: usize,
    glyph: u16,
    advance: f32,
}

/// Sets text on PDF pages for one report.
pub(crate) struct Typesetter<'f> {
    fonts: &'f [ChainFace],
    faces: Vec<ttf_parser::Face<'f>>,
    placed: HashMap<char, Placed>,
}

impl<'f> Typesetter<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Result<Self, ReportError> {
        let faces: Vec<_> = fonts
            .chain
            .iter()
            .filter_map(|f| ttf_parser::Face::parse(&f.data, f.index).ok())
            .collect();
        if faces.is_empty() || faces.len() != fonts.chain.len() {
            return Err(ReportError::Pdf(
                "no usable font on this machine for the PDF's text (install fonts-dejavu-core)"
                    .into(),
            ));
        }
        Ok(Self {
            fonts: &fonts.chain,
            faces,
            placed: HashMap::new(),
        })
    }

    fn place(&mut self, c: char) -> Placed {
        if let Some(placed) = self.placed.get(&c) {
            return *placed;
        }
        let (face, glyph) = self
            .faces
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.glyph_index(c).map(|g| (i, g)))
            .unwrap_or((0, ttf_parser::GlyphId(0)));
        let f = &self.faces[face];
        let advance = f.glyph_hor_advance(glyph).unwrap_or(0) as f32 / f.units_per_em() as f32;
        let placed = Placed {
            face,
            glyph: glyph.0,
            advance,
        };
        self.placed.insert(c, placed);
        placed
    }

    /// The width of `text` set at `size`.
    pub(crate) fn width(&mut self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.place(c).advance).sum::<f32>() * size
    }

    /// The text on one line of `width`, shortened with an ellipsis when it is wider.
    pub(crate) fn fit(&mut self, text: &str, width: f32, size: f32) -> String {
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if self.width(&text, size) <= width {
            return text;
        }
        let mut out = String::new();
        let mut used = self.width("…", size);
        for c in text.chars() {
            used += self.place(c).advance * size;
            if used > width {
                break;
            }
            out.push(c);
        }
        out.push('…');
        out
    }

    /// The text broken into lines of `width`: between words, or anywhere in a run
    /// without spaces (Chinese has none).
    pub(crate) fn wrap(&mut self, text: &str, width: f32, size: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut used = 0.0;
        for c in text.chars() {
            let advance = self.place(c).advance * size;
            if used + advance > width && !line.is_empty() {
                let rest = match line.rfind(' ') {
                    Some(space) if !c.is_whitespace() => line.split_off(space + 1),
                    _ => String::new(),
                };
                lines.push(std::mem::replace(&mut line, rest).trim_end().to_string());
                used = self.width(&line, size);
            }
            line.push(c);
            used += advance;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        lines
    }

    /// Draws one line of text with its baseline starting at (`x`, `baseline`); bold is
    /// drawn with a thin outline, as CJK faces rarely come in a bold weight.
    pub(crate) fn draw(&mut self, surface: &mut Surface, text: &PlacedText) {
        let paint = rgb::Color::new(text.colour[0], text.colour[1], text.colour[2]);
        surface.set_fill(Some(Fill {
            paint: paint.into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
        surface.set_stroke(text.bold.then(|| Stroke {
            paint: paint.into(),
            width: text.size * 0.04,
            ..Default::default()
        }));
        let mut x = text.x;
        for (face, range) in self.runs(&text.text) {
            let run = &text.text[range.clone()];
            let glyphs: Vec<KrillaGlyph> = run
                .char_indices()
                .map(|(at, c)| {
                    let placed = self.place(c);
                    let cluster = at..at + c.len_utf8();
                    KrillaGlyph::new(
                        GlyphId::new(placed.glyph.into()),
                        placed.advance,
                        0.0,
                        0.0,
                        0.0,
                        cluster,
                        None,
                    )
                })
                .collect();
            let start = Point::from_xy(x, text.baseline);
            let font = self.fonts[face].font.clone();
            surface.draw_glyphs(start, &glyphs, font, run, text.size, false);
            x += glyphs.iter().map(|g| g.x_advance).sum::<f32>() * text.size;
        }
        surface.set_stroke(None);
    }

    /// The text cut where the face that writes it changes.
    fn runs(&mut self, text: &str) -> Vec<(usize, std::ops::Range<usize>)> {
        let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        for (at, c) in text.char_indices() {
            let face = self.place(c).face;
            let end = at + c.len_utf8();
            match runs.last_mut() {
                Some((last, range)) if *last == face => range.end = end,
                _ => runs.push((face, at..end)),
            }
        }
        runs
    }
}

/// A line of text on a page.
pub(crate) struct PlacedText {
    pub x: f32,
    pub baseline: f32,
    pub text: String,
    pub size: f32,
    pub colour: [u8; 3],
    pub bold: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typesetter() -> Typesetter<'static> {
        Typesetter::new(Fonts::system()).expect("a font (`make test` installs fonts-wqy-microhei)")
    }

    #[test]
    fn wrapped_lines_keep_every_word_and_fit() {
        let mut t = typesetter();
        let text =
            "Switch traffic to the southern data centre before the northern core is rebooted";
        let lines = t.wrap(text, 120.0, 9.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| t.width(l, 9.0) <= 120.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn text_without_spaces_is_wrapped_between_characters() {
        let mut t = typesetter();
        let text = "核心交换机宕机导致北区所有业务系统中断请立即切换流量到南区数据中心";
        let lines = t.wrap(text, 100.0, 9.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn a_cell_too_narrow_is_shortened_with_an_ellipsis() {
        let mut t = typesetter();
        assert_eq!(t.fit("crm", 100.0, 8.0), "crm");
        let long = t.fit("Link down on port 25 on node-210", 60.0, 8.0);
        assert!(long.ends_with('…') && long.len() < 30, "{long}");
        assert!(t.width(&long, 8.0) <= 60.0);
        assert_eq!(t.fit("a\u{7}b", 100.0, 8.0), "a b");
    }
}
