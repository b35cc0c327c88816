//! Media shown with a question's label: the `image`, `big-image`, `audio` and `video`
//! columns (also written `media::image`, with a language: `image::English (en)`). Each
//! names a file attached to the form; the form carries the names, the apps show the
//! files, and the files travel with the form's attachments.

use serde::{Deserialize, Serialize};

use super::Texts;

/// The kinds of media a label may carry, one column each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaKind {
    Image,
    BigImage,
    Audio,
    Video,
}

impl MediaKind {
    /// The kind a column's base word names (`image`, `big-image`, `audio`, `video`).
    pub(crate) fn from_word(word: &str) -> Option<MediaKind> {
        match word {
            "image" => Some(MediaKind::Image),
            "big-image" | "big_image" => Some(MediaKind::BigImage),
            "audio" => Some(MediaKind::Audio),
            "video" => Some(MediaKind::Video),
            _ => None,
        }
    }

    /// The column's usual header.
    pub(crate) fn header(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::BigImage => "big-image",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }
}

/// The media files of one label, per kind and language (keys as in [`Texts`]). Left out
/// of the JSON when empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// `image`: a picture shown with the label.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub image: Texts,
    /// `big-image`: a larger picture the user may open from the label.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub big_image: Texts,
    /// `audio`: a recording the user may play.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub audio: Texts,
    /// `video`: a film the user may play.
    #[serde(default, skip_serializing_if = "Texts::is_empty")]
    pub video: Texts,
}

impl Media {
    /// True when the label has no media in any language.
    pub fn is_empty(&self) -> bool {
        self.kinds().iter().all(|t| t.is_empty())
    }

    /// Every file named, in every language, each once, in column order.
    pub fn files(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for texts in self.kinds() {
            for file in texts.0.values().map(|f| f.trim()) {
                if !file.is_empty() && !out.contains(&file) {
                    out.push(file);
                }
            }
        }
        out
    }

    /// The files of one kind.
    pub(crate) fn of_mut(&mut self, kind: MediaKind) -> &mut Texts {
        match kind {
            MediaKind::Image => &mut self.image,
            MediaKind::BigImage => &mut self.big_image,
            MediaKind::Audio => &mut self.audio,
            MediaKind::Video => &mut self.video,
        }
    }

    fn kinds(&self) -> [&Texts; 4] {
        [&self.image, &self.big_image, &self.audio, &self.video]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn files_are_listed_once_across_kinds_and_languages() {
        let texts = |pairs: &[(&str, &str)]| {
            Texts(
                pairs
                    .iter()
                    .map(|(l, f)| (l.to_string(), f.to_string()))
                    .collect::<BTreeMap<_, _>>(),
            )
        };
        let media = Media {
            image: texts(&[("English (en)", "a.png"), ("Tiếng Việt (vi)", "a_vi.png")]),
            big_image: texts(&[("", "a.png")]),
            audio: texts(&[("", " ")]),
            video: texts(&[("", "v.mp4")]),
        };
        assert_eq!(media.files(), vec!["a.png", "a_vi.png", "v.mp4"]);
        assert!(!media.is_empty());
        assert!(Media::default().is_empty());
        assert_eq!(serde_json::to_string(&Media::default()).unwrap(), "{}");
        let json = serde_json::to_string(&media).unwrap();
        assert_eq!(serde_json::from_str::<Media>(&json).unwrap(), media);
    }
}
