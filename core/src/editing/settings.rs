//! The settings screen: the app's language, the label language new surveys start in,
//! the storage the data takes, the account and branch, and about.

use crate::i18n::{TextKey, UiLanguage, fill, format_bytes, text};
use crate::protocol::AppRelease;

/// An app language as the settings list offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LanguageChoice {
    /// The language saved when she picks it.
    pub language: UiLanguage,
    /// Its name in itself ("Tiếng Việt", "English"), so she finds hers whatever is shown.
    pub name: String,
    /// The one in use.
    pub chosen: bool,
}

/// A form label language as the settings list offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FormLanguageChoice {
    /// The language's name in the forms; `None`: each form's own default.
    pub language: Option<String>,
    /// How it reads ("As the form says", or the name itself).
    pub name: String,
    /// The one new surveys start in.
    pub chosen: bool,
}

/// Everything the settings screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SettingsPage {
    /// The app languages.
    pub app_languages: Vec<LanguageChoice>,
    /// "As the form says", then every label language of the forms on the phone.
    pub form_languages: Vec<FormLanguageChoice>,
    /// "Dữ liệu 1,2 MB, ảnh 3,4 MB".
    pub storage: String,
    /// "Tài khoản: mai.lo", then the areas and branch ("Lào Cai › Sa Pa › Chi hội Sà Phìn"),
    /// each once known.
    pub account: Vec<String>,
    /// What the app is for.
    pub about: String,
    /// "Phiên bản 0.1.0".
    pub version: String,
}

/// What the settings screen is made from.
#[derive(Debug, Clone, Default)]
pub struct SettingsFacts {
    /// The label languages of the forms on the phone.
    pub form_languages: Vec<String>,
    /// The label language she chose (`None`: each form's default).
    pub form_language: Option<String>,
    /// Bytes the database takes.
    pub database_bytes: u64,
    /// Bytes the photos take.
    pub photo_bytes: u64,
    /// The device account's name, once known.
    pub account: Option<String>,
    /// The areas above the branch, then the branch, once enrolled.
    pub branch_path: Vec<String>,
    /// The app's release as the app gave it when it opened the core (the one the
    /// server is told too).
    pub app: AppRelease,
}

/// The settings screen from its facts, in `language` (the app language in use).
pub fn settings_page(facts: &SettingsFacts, language: UiLanguage) -> SettingsPage {
    let one = |key: TextKey, name: &str, value: &str| {
        fill(text(key, language), |n| (n == name).then_some(value))
    };
    let chosen_form = facts.form_language.as_deref();
    let mut form_languages = vec![FormLanguageChoice {
        language: None,
        name: text(TextKey::SettingsFormLanguageDefault, language).to_owned(),
        chosen: chosen_form.is_none(),
    }];
    form_languages.extend(facts.form_languages.iter().map(|l| FormLanguageChoice {
        language: Some(l.clone()),
        name: l.clone(),
        chosen: chosen_form == Some(l.as_str()),
    }));
    let data = format_bytes(facts.database_bytes, language);
    let photos = format_bytes(facts.photo_bytes, language);
    SettingsPage {
        app_languages: [
            (UiLanguage::Vi, TextKey::LanguageVi),
            (UiLanguage::En, TextKey::LanguageEn),
        ]
        .into_iter()
        .map(|(l, key)| LanguageChoice {
            language: l,
            name: text(key, l).to_owned(),
            chosen: l == language,
        })
        .collect(),
        form_languages,
        storage: fill(
            text(TextKey::SettingsStorageDetail, language),
            |n| match n {
                "data" => Some(data.as_str()),
                "photos" => Some(photos.as_str()),
                _ => None,
            },
        ),
        account: facts
            .account
            .iter()
            .map(|a| one(TextKey::SettingsAccount, "account", a))
            .chain((!facts.branch_path.is_empty()).then(|| facts.branch_path.join(" › ")))
            .collect(),
        about: text(TextKey::SettingsAboutBody, language).to_owned(),
        version: one(
            TextKey::SettingsVersion,
            "version",
            &release_text(&facts.app),
        ),
    }
}

/// The release as people read it: "1.4.2 (57)", the build in brackets.
fn release_text(app: &AppRelease) -> String {
    let (version, build) = (app.version.trim(), app.build.trim());
    match (version.is_empty(), build.is_empty()) {
        (_, true) => version.to_owned(),
        (true, false) => format!("({build})"),
        (false, false) => format!("{version} ({build})"),
    }
}
