//! The console's words, Vietnamese (the default) and English, one entry per key. Each
//! entry is `field "dotted.id" { vi: "...", en: "..." }`; both languages are required by
//! the macro's syntax, templates read them as fields (`{{ t.login_title }}`, checked when
//! the server compiles), and the tests check that both are complete and consistent.
//!
//! Written for commune and province officers of the Women's Union: plain office
//! Vietnamese, no technical words.

/// The console's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Vietnamese, the default.
    Vi,
    /// English.
    En,
}

impl Lang {
    /// The language named by a cookie value or link (`vi`, `en`); Vietnamese otherwise.
    pub fn from_code(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            _ => Lang::Vi,
        }
    }

    /// The code written in the cookie and in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Every word of the console in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }
}

macro_rules! catalogue {
    ($( $field:ident $id:literal { vi: $vi:literal, en: $en:literal } )*) => {
        /// Every text of the console's pages in one language (the doc of each field is its
        /// English text).
        #[derive(Debug)]
        pub struct Texts {
            $( #[doc = $en] pub $field: &'static str, )*
        }

        /// The Vietnamese texts.
        pub static VI: Texts = Texts { $( $field: $vi, )* };
        /// The English texts.
        pub static EN: Texts = Texts { $( $field: $en, )* };

        /// Every entry as (dotted id, Vietnamese, English), in catalogue order.
        pub const ALL: &[(&str, &str, &str)] = &[$( ($id, $vi, $en) ),*];
    };
}

impl Texts {
    /// `text` with its `{name}` placeholder replaced by `value`.
    pub fn fill(&self, text: &str, name: &str, value: &str) -> String {
        text.replace(&format!("{{{name}}}"), value)
    }
}

catalogue! {
    app_name "app.name" { vi: "Sổ tay Chi hội", en: "Branchbook" }
    console_name "app.console" { vi: "Trang quản lý của Hội", en: "Union office console" }
    lang_switch "app.lang_switch" { vi: "English", en: "Tiếng Việt" }
    skip_to_content "app.skip" { vi: "Đến nội dung chính", en: "Skip to content" }

    nav_home "nav.home" { vi: "Trang chính", en: "Home" }
    nav_areas "nav.areas" { vi: "Địa bàn", en: "Areas" }
    nav_accounts "nav.accounts" { vi: "Tài khoản", en: "Accounts" }
    nav_phones "nav.phones" { vi: "Điện thoại", en: "Phones" }
    nav_forms "nav.forms" { vi: "Biểu mẫu", en: "Forms" }
    nav_logout "nav.logout" { vi: "Đăng xuất", en: "Log out" }
    nav_signed_in_as "nav.signed_in_as" { vi: "Đang đăng nhập: {name}", en: "Signed in as {name}" }

    login_title "login.title" { vi: "Đăng nhập", en: "Log in" }
    login_username "login.username" { vi: "Tên đăng nhập", en: "Login name" }
    login_password "login.password" { vi: "Mật khẩu", en: "Password" }
    login_submit "login.submit" { vi: "Đăng nhập", en: "Log in" }
    login_failed "login.failed" { vi: "Sai tên đăng nhập hoặc mật khẩu.", en: "Wrong login name or password." }
    login_expired "login.expired" { vi: "Phiên làm việc đã hết hạn. Xin đăng nhập lại.", en: "Your session has ended. Please log in again." }
    login_logged_out "login.logged_out" { vi: "Đã đăng xuất.", en: "You are logged out." }
    login_branch_head "login.branch_head" {
        vi: "Trang này dành cho cán bộ Hội. Chi hội trưởng dùng ứng dụng trên điện thoại.",
        en: "This console is for Union officers. Branch heads use the phone app."
    }
    login_first_start "login.first_start" {
        vi: "Lần đầu khởi động: đăng nhập bằng tài khoản admin và mật khẩu một lần mà máy chủ đã in ra.",
        en: "First start: log in as admin with the one-time password the server printed."
    }

    password_title "password.title" { vi: "Đổi mật khẩu", en: "Change your password" }
    password_forced "password.forced" {
        vi: "Chị đang dùng mật khẩu một lần. Xin chọn mật khẩu riêng trước khi tiếp tục.",
        en: "You are using a one-time password. Choose your own before you continue."
    }
    password_current "password.current" { vi: "Mật khẩu hiện tại", en: "Current password" }
    password_new "password.new" { vi: "Mật khẩu mới (ít nhất 10 ký tự)", en: "New password (at least 10 characters)" }
    password_repeat "password.repeat" { vi: "Nhập lại mật khẩu mới", en: "New password again" }
    password_submit "password.submit" { vi: "Lưu mật khẩu", en: "Save password" }
    password_mismatch "password.mismatch" { vi: "Hai mật khẩu mới không giống nhau.", en: "The two new passwords differ." }
    password_weak "password.weak" { vi: "Mật khẩu mới phải có ít nhất 10 ký tự.", en: "The new password needs at least 10 characters." }
    password_wrong "password.wrong" { vi: "Mật khẩu hiện tại không đúng.", en: "The current password is wrong." }
    password_changed "password.changed" { vi: "Đã đổi mật khẩu.", en: "Your password is changed." }

    home_title "home.title" { vi: "Trang chính", en: "Home" }
    home_welcome "home.welcome" { vi: "Xin chào, {name}.", en: "Welcome, {name}." }
    home_scope_all "home.scope_all" { vi: "Chị quản trị toàn bộ máy chủ.", en: "You administer the whole server." }
    home_scope_area "home.scope_area" { vi: "Chị làm việc với địa bàn: {area}.", en: "You work for the area: {area}." }
    home_start "home.start" {
        vi: "Bắt đầu: tạo địa bàn (tỉnh → xã → chi hội), rồi tài khoản, rồi cấp mã cho điện thoại, rồi tải biểu mẫu lên.",
        en: "Start here: create the areas (province → commune → branch), then accounts, then phone codes, then upload forms."
    }

    error_title "error.title" { vi: "Có lỗi", en: "Something went wrong" }
    error_not_found "error.not_found" { vi: "Không tìm thấy trang này.", en: "This page does not exist." }
    error_forbidden "error.forbidden" { vi: "Chị không có quyền làm việc này.", en: "You may not do this." }
    error_csrf "error.csrf" {
        vi: "Biểu mẫu đã cũ hoặc không đến từ trang này. Xin tải lại trang và thử lại.",
        en: "This form is stale or did not come from this console. Reload the page and try again."
    }
    error_internal "error.internal" {
        vi: "Máy chủ gặp lỗi; không mất dữ liệu nào. Xin thử lại sau.",
        en: "The server failed; nothing was lost. Please try again later."
    }
    error_too_large "error.too_large" { vi: "Dữ liệu gửi lên quá lớn.", en: "What you sent is too large." }
    error_back "error.back" { vi: "Về trang chính", en: "Back to the home page" }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_entry_has_both_languages_with_the_same_placeholders() {
        for (id, vi, en) in ALL {
            for (lang, text) in [("vi", vi), ("en", en)] {
                assert!(!text.trim().is_empty(), "{id} has no {lang} text");
                assert_eq!(*text, text.trim(), "{id} ({lang}) has spaces around it");
                assert_eq!(
                    text.matches('{').count(),
                    text.matches('}').count(),
                    "{id} ({lang}) has unbalanced braces"
                );
            }
            assert_eq!(placeholders(vi), placeholders(en), "{id}");
        }
    }

    #[test]
    fn ids_are_unique_dotted_and_lowercase() {
        let mut seen = HashSet::new();
        for (id, _, _) in ALL {
            assert!(seen.insert(id), "{id} is used twice");
            assert!(
                id.contains('.')
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "{id}"
            );
        }
    }

    #[test]
    fn vietnamese_is_translated_and_written_with_its_diacritics() {
        for (id, vi, en) in ALL {
            let words = vi.split_whitespace().filter(|w| !w.contains('{')).count();
            if words >= 2 {
                assert!(
                    vi.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
                    "{id}: {vi:?} has no diacritics"
                );
                assert_ne!(vi, en, "{id} is not translated");
            }
        }
    }

    #[test]
    fn the_language_switch_names_the_other_language_and_vietnamese_is_the_default() {
        assert_eq!(Lang::from_code("fr"), Lang::Vi);
        assert_eq!(Lang::from_code("en").texts().lang_switch, "Tiếng Việt");
        assert_eq!(Lang::Vi.texts().lang_switch, "English");
        assert_eq!(
            EN.fill(EN.home_welcome, "name", "Lan"),
            "Welcome, Lan.",
            "placeholders are filled"
        );
    }
}
