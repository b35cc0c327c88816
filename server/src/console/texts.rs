//! The console's words, Vietnamese (the default) and English, one entry per key. Each
//! entry is `field "dotted.id" { vi: "...", en: "..." }`; both languages are required by
//! the macro's syntax, templates read them as fields (`{{ t.login_title }}`, checked when
//! the server compiles), and the tests check that both are complete and consistent.
//!
//! Written for commune and province officers of the Women's Union: plain office
//! Vietnamese, no technical words.

use crate::form_files::AttachmentError;
use crate::model::{AreaLevel, Role};
use crate::passwords::rules::WeakPassword;
use crate::store::areas::{AreaHoldings, Holding};
use crate::store::refusal::Refusal;

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

    /// The same language as the core's catalogue names it (dates, record states).
    pub fn ui(self) -> branchbook_core::i18n::UiLanguage {
        match self {
            Lang::Vi => branchbook_core::i18n::UiLanguage::Vi,
            Lang::En => branchbook_core::i18n::UiLanguage::En,
        }
    }

    /// An instant as Vietnam's clock shows it, written the way this language writes dates.
    pub fn time(self, at: chrono::DateTime<chrono::Utc>) -> String {
        branchbook_core::i18n::format_instant(at, self.ui())
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

    /// The name of an area level.
    pub fn level(&self, level: AreaLevel) -> &'static str {
        match level {
            AreaLevel::Province => self.level_province,
            AreaLevel::District => self.level_district,
            AreaLevel::Commune => self.level_commune,
            AreaLevel::Branch => self.level_branch,
        }
    }

    /// Why a chosen password is refused.
    pub fn weak_password(&self, weak: WeakPassword) -> &'static str {
        match weak {
            WeakPassword::TooShort => self.password_weak,
            WeakPassword::TooLong => self.password_too_long,
            WeakPassword::LoginName => self.password_login_name,
            WeakPassword::Repeated => self.password_repeated,
            WeakPassword::Sequence => self.password_sequence,
            WeakPassword::Common => self.password_common,
            WeakPassword::Unchanged => self.password_unchanged,
        }
    }

    /// Why the stored data refused a change, in this language.
    pub fn refusal(&self, refusal: &Refusal) -> String {
        let lower = |level: AreaLevel| self.level(level).to_lowercase();
        match refusal {
            Refusal::AreaNameTaken(name) => self.fill(self.areas_name_taken, "name", name),
            Refusal::Misplaced {
                level,
                parent: Some(parent),
            } => self.fill(
                &self.fill(self.areas_misplaced, "level", &lower(*level)),
                "parent",
                &lower(*parent),
            ),
            Refusal::Misplaced {
                level,
                parent: None,
            } => self.fill(self.areas_needs_parent, "level", &lower(*level)),
            Refusal::UnderItself(name) => self.fill(self.areas_under_itself, "name", name),
            Refusal::OpenBelow { name, first, open } => {
                let text = self.fill(self.areas_open_below, "name", name);
                let text = self.fill(&text, "first", first);
                self.fill(&text, "count", &open.to_string())
            }
            Refusal::Archived(name) => self.fill(self.areas_is_archived, "name", name),
            Refusal::AreaInUse(held) => self.area_in_use(held),
            Refusal::LoginTaken(name) => self.fill(self.accounts_login_taken, "name", name),
            Refusal::AreaForRole(Role::BranchHead) => self.accounts_branch_head_area.to_owned(),
            Refusal::AreaForRole(Role::Officer) => self.accounts_area_required.to_owned(),
            Refusal::AreaForRole(Role::Admin) => self.accounts_admin_no_area.to_owned(),
            Refusal::MemberOfAnotherBranch => self.rosters_member_elsewhere.to_owned(),
            Refusal::FormVersionTaken { form_id, version } => self.fill(
                &self.fill(self.forms_version_taken, "form", form_id),
                "version",
                version,
            ),
        }
    }

    /// Why an area is not deleted, naming everything it still holds.
    pub fn area_in_use(&self, held: &AreaHoldings) -> String {
        let holds: Vec<String> = held
            .counts()
            .into_iter()
            .map(|(what, n)| {
                let text = match what {
                    Holding::Areas => self.holds_areas,
                    Holding::Surveys => self.holds_surveys,
                    Holding::Households => self.holds_households,
                    Holding::Gatherings => self.holds_gatherings,
                    Holding::AuditTrails => self.holds_audit_trails,
                    Holding::Accounts => self.holds_accounts,
                    Holding::Phones => self.holds_phones,
                    Holding::Codes => self.holds_codes,
                    Holding::Members => self.holds_members,
                    Holding::Forms => self.holds_forms,
                };
                self.fill(text, "count", &n.to_string())
            })
            .collect();
        self.fill(
            &self.fill(self.areas_in_use, "name", &held.name),
            "holds",
            &holds.join(", "),
        )
    }

    /// Why a form's attached files were refused, naming the file.
    pub fn attachment_refused(&self, refused: &AttachmentError) -> String {
        match refused {
            AttachmentError::Missing(files) => {
                let names: Vec<String> = files.iter().map(|f| format!("'{f}'")).collect();
                self.fill(self.forms_missing_files, "files", &names.join(", "))
            }
            AttachmentError::Unused(file) => self.fill(self.forms_unused_file, "file", file),
            AttachmentError::BadName(file)
            | AttachmentError::Twice(file)
            | AttachmentError::TooLarge { name: file, .. } => {
                self.fill(self.forms_bad_file, "file", file)
            }
            AttachmentError::TooMany { max, .. } => {
                self.fill(self.forms_too_many_files, "max", &max.to_string())
            }
        }
    }

    /// The name of a role.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Admin => self.role_admin,
            Role::Officer => self.role_officer,
            Role::BranchHead => self.role_branch_head,
        }
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

    nav_dashboard "nav.dashboard" { vi: "Chỉ tiêu", en: "Indicators" }
    nav_gatherings "nav.gatherings" { vi: "Buổi sinh hoạt", en: "Gatherings" }
    nav_households "nav.households" { vi: "Hộ gia đình", en: "Households" }
    gatherings_title "gatherings.title" { vi: "Buổi sinh hoạt và người tham dự", en: "Gatherings and attendance" }
    gatherings_when "gatherings.when" { vi: "Bắt đầu lúc", en: "Started" }
    gatherings_closed "gatherings.closed" { vi: "Kết thúc lúc", en: "Closed" }
    gatherings_kind "gatherings.kind" { vi: "Loại buổi", en: "Kind" }
    gatherings_all_kinds "gatherings.all_kinds" { vi: "Mọi loại", en: "Every kind" }
    gatherings_topic "gatherings.topic" { vi: "Chủ đề", en: "Topic" }
    gatherings_village "gatherings.village" { vi: "Thôn, bản", en: "Village" }
    gatherings_facilitator "gatherings.facilitator" { vi: "Người điều hành", en: "Facilitator" }
    gatherings_attendees "gatherings.attendees" { vi: "Người tham dự", en: "Attendees" }
    gatherings_name "gatherings.name" { vi: "Họ và tên", en: "Name" }
    gatherings_sex "gatherings.sex" { vi: "Giới tính", en: "Sex" }
    gatherings_age "gatherings.age" { vi: "Nhóm tuổi", en: "Age group" }
    gatherings_ethnicity "gatherings.ethnicity" { vi: "Dân tộc", en: "Ethnicity" }
    gatherings_walk_in "gatherings.walk_in" { vi: "Người dự vãng lai", en: "Walk-in" }
    gatherings_member "gatherings.member" { vi: "Hội viên trong danh sách", en: "Roster member" }
    gatherings_totals "gatherings.totals" { vi: "Tổng hợp", en: "Totals" }
    gatherings_none "gatherings.none" { vi: "Không có gì khớp bộ lọc.", en: "Nothing matches the filters." }
    gatherings_download "gatherings.download" { vi: "Tải danh sách (CSV)", en: "Download the list (CSV)" }
    households_title "households.title" { vi: "Sổ hộ gia đình", en: "Household registry" }
    households_head "households.head" { vi: "Chủ hộ", en: "Head of household" }
    households_address "households.address" { vi: "Địa chỉ", en: "Address" }
    households_members "households.members" { vi: "Thành viên", en: "Members" }
    households_birth_year "households.birth_year" { vi: "Năm sinh", en: "Birth year" }
    households_relation "households.relation" { vi: "Quan hệ với chủ hộ", en: "Relation to the head" }
    households_notes "households.notes" { vi: "Ghi chú", en: "Notes" }
    households_visits "households.visits" { vi: "Các lần thăm hộ", en: "Visits" }
    households_no_visits "households.no_visits" { vi: "Chưa có phiếu thăm hộ nào.", en: "No survey has visited this household yet." }
    dashboard_title "dashboard.title" { vi: "Chỉ tiêu Đề án 8", en: "Project 8 indicators" }
    dashboard_print_title "dashboard.print_title" { vi: "Báo cáo chỉ tiêu Đề án 8", en: "Project 8 indicators report" }
    dashboard_area "dashboard.area" { vi: "Địa bàn", en: "Area" }
    dashboard_period "dashboard.period" { vi: "Kỳ báo cáo", en: "Period" }
    dashboard_by_month "dashboard.by_month" { vi: "Theo tháng", en: "Month" }
    dashboard_by_quarter "dashboard.by_quarter" { vi: "Theo quý", en: "Quarter" }
    dashboard_by_year "dashboard.by_year" { vi: "Theo năm", en: "Year" }
    dashboard_by_range "dashboard.by_range" { vi: "Từ ngày đến ngày", en: "Date range" }
    dashboard_year "dashboard.year" { vi: "Năm", en: "Year" }
    dashboard_month "dashboard.month" { vi: "Tháng", en: "Month" }
    dashboard_quarter "dashboard.quarter" { vi: "Quý", en: "Quarter" }
    dashboard_from "dashboard.from" { vi: "Từ ngày", en: "From" }
    dashboard_to "dashboard.to" { vi: "Đến hết ngày", en: "To (included)" }
    dashboard_show "dashboard.show" { vi: "Xem", en: "Show" }
    dashboard_print "dashboard.print" { vi: "Bản in (khổ A4)", en: "Print view (A4)" }
    dashboard_download_all "dashboard.download_all" { vi: "Tải tất cả các bảng (Excel)", en: "Download every table (Excel)" }
    dashboard_period_is "dashboard.period_is" { vi: "Từ {from} đến hết {to} (giờ Việt Nam)", en: "From {from} to {to} included (Vietnam time)" }
    dashboard_rejected_hint "dashboard.rejected_hint" {
        vi: "Chỉ tính lần gửi mới nhất của mỗi phiếu; phiếu không nhận chỉ được đếm ở bảng tình trạng duyệt.",
        en: "Only the latest revision of each record counts; rejected records are counted only in the review state table."
    }
    dashboard_total "dashboard.total" { vi: "Tổng cộng", en: "Total" }
    dashboard_gatherings "dashboard.gatherings" { vi: "Buổi sinh hoạt theo loại", en: "Gatherings by kind" }
    dashboard_attendees "dashboard.attendees" { vi: "Người tham dự theo giới tính", en: "Attendees by sex" }
    dashboard_ages "dashboard.ages" { vi: "Người tham dự theo nhóm tuổi", en: "Attendees by age group" }
    dashboard_ethnicities "dashboard.ethnicities" { vi: "Người tham dự theo dân tộc", en: "Attendees by ethnicity" }
    dashboard_surveys "dashboard.surveys" { vi: "Hộ được thăm và phiếu theo biểu mẫu", en: "Households visited and surveys by form" }
    dashboard_states "dashboard.states" { vi: "Phiếu theo tình trạng duyệt", en: "Surveys by review state" }
    dashboard_all_attendees "dashboard.all_attendees" { vi: "Tổng lượt tham dự", en: "All attendances" }
    dashboard_people "dashboard.people" { vi: "Số người được tiếp cận", en: "Distinct people reached" }
    dashboard_households "dashboard.households" { vi: "Số hộ được thăm", en: "Households visited" }
    dashboard_all_surveys "dashboard.all_surveys" { vi: "Tổng số phiếu", en: "All surveys" }
    dashboard_not_recorded "dashboard.not_recorded" { vi: "Không rõ", en: "Not recorded" }
    dashboard_chart_attendees "dashboard.chart_attendees" { vi: "Người tham dự theo địa bàn", en: "Attendees by area" }
    dashboard_chart_gatherings "dashboard.chart_gatherings" { vi: "Buổi sinh hoạt theo địa bàn", en: "Gatherings by area" }
    dashboard_chart_months "dashboard.chart_months" { vi: "Diễn biến theo tháng", en: "Month by month" }
    dashboard_chart_days "dashboard.chart_days" { vi: "Diễn biến theo ngày", en: "Day by day" }
    dashboard_csv "dashboard.csv" { vi: "CSV", en: "CSV" }
    dashboard_xlsx "dashboard.xlsx" { vi: "Excel", en: "Excel" }
    dashboard_people_hint "dashboard.people_hint" {
        vi: "Hội viên được điểm danh nhiều buổi chỉ tính một người; người dự vãng lai được tính theo từng buổi.",
        en: "A member checked in at several gatherings counts once; a walk-in counts once per gathering."
    }
    dashboard_households_hint "dashboard.households_hint" {
        vi: "Hộ trong sổ được thăm nhiều lần tính một hộ; phiếu không gắn với hộ trong sổ tính một hộ.",
        en: "A registry household visited several times counts once; a survey linked to no registry household counts as one household."
    }

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
    password_too_long "password.too_long" { vi: "Mật khẩu mới dài quá (tối đa 256 ký tự).", en: "The new password is too long (at most 256 characters)." }
    password_login_name "password.login_name" { vi: "Mật khẩu không được là tên đăng nhập.", en: "The password must not be your login name." }
    password_repeated "password.repeated" {
        vi: "Mật khẩu lặp lại vài ký tự giống nhau (như aaaaaaaaaa). Xin chọn mật khẩu khó đoán hơn.",
        en: "The password repeats the same few characters (like aaaaaaaaaa). Choose one that is harder to guess."
    }
    password_sequence "password.sequence" {
        vi: "Mật khẩu là một dãy liên tiếp (như 0123456789 hay qwertyuiop). Xin chọn mật khẩu khó đoán hơn.",
        en: "The password is a sequence (like 0123456789 or qwertyuiop). Choose one that is harder to guess."
    }
    password_common "password.common" {
        vi: "Mật khẩu này rất hay bị dùng, dễ bị đoán. Xin chọn mật khẩu khác.",
        en: "This password is one of the most used and easy to guess. Choose another."
    }
    password_unchanged "password.unchanged" {
        vi: "Mật khẩu mới phải khác mật khẩu hiện tại (mật khẩu một lần).",
        en: "The new password must differ from the current (one-time) password."
    }
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

    level_province "level.province" { vi: "Tỉnh", en: "Province" }
    level_district "level.district" { vi: "Huyện", en: "District" }
    level_commune "level.commune" { vi: "Xã", en: "Commune" }
    level_branch "level.branch" { vi: "Chi hội", en: "Branch" }
    role_admin "role.admin" { vi: "Quản trị", en: "Administrator" }
    role_officer "role.officer" { vi: "Cán bộ", en: "Officer" }
    role_branch_head "role.branch_head" { vi: "Chi hội trưởng", en: "Branch head" }

    areas_title "areas.title" { vi: "Địa bàn", en: "Areas" }
    areas_empty "areas.empty" { vi: "Chưa có địa bàn nào.", en: "No areas yet." }
    areas_new "areas.new" { vi: "Thêm địa bàn", en: "Add an area" }
    areas_parent "areas.parent" { vi: "Thuộc", en: "Inside" }
    areas_no_parent "areas.no_parent" { vi: "(không có: tỉnh)", en: "(none: a province)" }
    areas_level "areas.level" { vi: "Cấp", en: "Level" }
    areas_name "areas.name" { vi: "Tên", en: "Name" }
    areas_create "areas.create" { vi: "Thêm", en: "Add" }
    areas_created "areas.created" { vi: "Đã thêm địa bàn {name}.", en: "Added the area {name}." }
    areas_admin_only "areas.admin_only" { vi: "Chỉ quản trị viên thêm, đổi tên, chuyển, lưu trữ và xóa được địa bàn.", en: "Only an administrator adds, renames, moves, archives and deletes areas." }
    areas_rename "areas.rename" { vi: "Đổi tên địa bàn", en: "Rename an area" }
    areas_which "areas.which" { vi: "Địa bàn", en: "Area" }
    areas_new_name "areas.new_name" { vi: "Tên mới", en: "New name" }
    areas_rename_button "areas.rename_button" { vi: "Đổi tên", en: "Rename" }
    areas_renamed "areas.renamed" { vi: "Đã đổi tên địa bàn thành {name}.", en: "Renamed the area to {name}." }
    preview_title "preview.title" { vi: "Xem trước: {title}", en: "Preview: {title}" }
    preview_pages "preview.pages" { vi: "Số trang trên điện thoại", en: "Pages on the phone" }
    preview_back "preview.back" { vi: "← Danh sách biểu mẫu", en: "← All forms" }
    preview_files "preview.files" { vi: "Tệp đi kèm biểu mẫu (bảng CSV, ảnh)", en: "Files that come with the form (CSV tables, pictures)" }
    preview_page "preview.page" { vi: "Trang", en: "Page" }
    preview_name "preview.name" { vi: "Tên câu hỏi", en: "Name" }
    preview_type "preview.type" { vi: "Loại", en: "Type" }
    areas_move "areas.move" { vi: "Chuyển địa bàn sang nơi khác", en: "Move an area" }
    areas_move_to "areas.move_to" { vi: "Chuyển vào", en: "Move into" }
    areas_move_button "areas.move_button" { vi: "Chuyển", en: "Move" }
    areas_moved "areas.moved" { vi: "Đã chuyển địa bàn {name} cùng mọi thứ bên trong.", en: "Moved the area {name} with everything inside it." }
    areas_archive "areas.archive" { vi: "Lưu trữ hoặc khôi phục địa bàn", en: "Archive or restore an area" }
    areas_archive_hint "areas.archive_hint" { vi: "Địa bàn lưu trữ không còn hiện trong các danh sách chọn; phiếu, tài khoản và lịch sử của nó vẫn được giữ và xem được. Tài khoản thuộc địa bàn đó không đăng nhập được nữa, mã đăng ký điện thoại còn mở hết hiệu lực; điện thoại đã đăng ký vẫn gửi được mọi phiếu còn trong máy.", en: "An archived area leaves every picker; its records, accounts and history are kept and can still be read. Its accounts can no longer sign in and its open phone codes stop working; its enrolled phones can still send every record they hold." }
    areas_archive_button "areas.archive_button" { vi: "Lưu trữ", en: "Archive" }
    areas_restore_button "areas.restore_button" { vi: "Khôi phục", en: "Restore" }
    areas_archived "areas.archived" { vi: "Đã lưu trữ địa bàn {name}.", en: "Archived the area {name}." }
    areas_restored "areas.restored" { vi: "Đã khôi phục địa bàn {name}.", en: "Restored the area {name}." }
    areas_archived_tag "areas.archived_tag" { vi: "đã lưu trữ", en: "archived" }
    areas_archived_accounts "areas.archived_accounts" { vi: "{count} tài khoản của địa bàn này không đăng nhập được nữa.", en: "{count} account(s) of this area can no longer sign in." }
    areas_archived_phones "areas.archived_phones" { vi: "{count} điện thoại vẫn gửi được những phiếu còn trong máy: thu hồi từng máy ở trang Điện thoại khi không còn phiếu chờ gửi.", en: "{count} phone(s) can still send the records they hold: revoke each on the Phones page once nothing is waiting." }
    areas_is_archived "areas.is_archived" { vi: "{name} đã được lưu trữ: hãy khôi phục trước.", en: "{name} is archived: restore it first." }
    areas_name_taken "areas.name_taken" { vi: "Ở cùng chỗ này đã có địa bàn tên {name}: hãy chọn tên khác.", en: "An area named {name} already exists in the same place: choose another name." }
    areas_misplaced "areas.misplaced" { vi: "Không thể đặt một {level} dưới một {parent}: địa bàn cấp trên phải cao hơn.", en: "A {level} cannot be placed under a {parent}: the area above must be of a higher level." }
    areas_needs_parent "areas.needs_parent" { vi: "Một {level} phải nằm dưới một địa bàn cấp trên: hãy chọn nơi đặt.", en: "A {level} needs an area above it: choose where it goes." }
    areas_under_itself "areas.under_itself" { vi: "Không thể chuyển {name} vào chính nó hoặc vào một địa bàn bên trong nó.", en: "{name} cannot be moved under itself or an area inside it." }
    areas_open_below "areas.open_below" { vi: "{name} còn {count} địa bàn con đang dùng (như {first}): hãy lưu trữ các địa bàn đó trước.", en: "{name} still has {count} open area(s) below it (such as {first}): archive those first." }
    areas_delete "areas.delete" { vi: "Xóa địa bàn tạo nhầm", en: "Delete an area made by mistake" }
    areas_delete_hint "areas.delete_hint" { vi: "Chỉ xóa được địa bàn trống: không có địa bàn con, phiếu, hộ, buổi sinh hoạt, tài khoản, điện thoại, hội viên hay biểu mẫu. Địa bàn đã có dữ liệu thì lưu trữ.", en: "Only an empty area can be deleted: no areas below, surveys, households, gatherings, accounts, phones, members or forms. Archive an area that holds anything." }
    areas_delete_button "areas.delete_button" { vi: "Xóa…", en: "Delete…" }
    areas_delete_confirm "areas.delete_confirm" { vi: "Xóa hẳn địa bàn {name}? Việc này không hoàn tác được.", en: "Delete the area {name} for good? This cannot be undone." }
    areas_delete_yes "areas.delete_yes" { vi: "Xóa hẳn", en: "Delete for good" }
    areas_delete_no "areas.delete_no" { vi: "Thôi, giữ lại", en: "Cancel, keep it" }
    areas_deleted "areas.deleted" { vi: "Đã xóa địa bàn {name}.", en: "Deleted the area {name}." }
    areas_in_use "areas.in_use" { vi: "Không xóa được {name}: nơi này còn {holds}. Hãy lưu trữ thay vì xóa.", en: "{name} cannot be deleted: it still holds {holds}. Archive it instead." }
    holds_areas "holds.areas" { vi: "{count} địa bàn con", en: "{count} area(s) below" }
    holds_surveys "holds.surveys" { vi: "{count} phiếu khảo sát", en: "{count} survey(s)" }
    holds_households "holds.households" { vi: "{count} hộ gia đình", en: "{count} household(s)" }
    holds_gatherings "holds.gatherings" { vi: "{count} buổi sinh hoạt", en: "{count} gathering(s)" }
    holds_audit_trails "holds.audit_trails" { vi: "{count} nhật ký thao tác của điện thoại", en: "{count} phone audit trail(s)" }
    holds_accounts "holds.accounts" { vi: "{count} tài khoản", en: "{count} account(s)" }
    holds_phones "holds.phones" { vi: "{count} điện thoại", en: "{count} phone(s)" }
    holds_codes "holds.codes" { vi: "{count} mã đăng ký điện thoại", en: "{count} phone enrollment code(s)" }
    holds_members "holds.members" { vi: "{count} hội viên", en: "{count} roster member(s)" }
    holds_forms "holds.forms" { vi: "{count} phiên bản biểu mẫu phát hành cho nơi này", en: "{count} form version(s) published to it" }
    field_required "field.required" { vi: "Xin điền ô “{field}”.", en: "Please fill in “{field}”." }
    field_too_long "field.too_long" { vi: "Ô “{field}” dài quá (tối đa {max} ký tự).", en: "“{field}” is too long (at most {max} characters)." }

    accounts_title "accounts.title" { vi: "Tài khoản", en: "Accounts" }
    accounts_username "accounts.username" { vi: "Tên đăng nhập", en: "Login name" }
    accounts_display_name "accounts.display_name" { vi: "Họ và tên", en: "Full name" }
    accounts_role "accounts.role" { vi: "Vai trò", en: "Role" }
    accounts_area "accounts.area" { vi: "Địa bàn", en: "Area" }
    accounts_everywhere "accounts.everywhere" { vi: "Toàn bộ", en: "Everywhere" }
    accounts_new "accounts.new" { vi: "Tạo tài khoản", en: "Create an account" }
    accounts_create "accounts.create" { vi: "Tạo", en: "Create" }
    accounts_username_hint "accounts.username_hint" { vi: "chữ a-z, số, dấu . _ -", en: "letters a-z, digits, . _ -" }
    accounts_created "accounts.created" { vi: "Đã tạo tài khoản {name}.", en: "Created the account {name}." }
    accounts_one_time "accounts.one_time" {
        vi: "Mật khẩu một lần của {name} (chỉ hiện lần này; đưa cho người dùng, họ sẽ phải đổi khi đăng nhập):",
        en: "One-time password of {name} (shown only now; give it to her, she must change it when she logs in):"
    }
    accounts_reset "accounts.reset" { vi: "Cấp lại mật khẩu", en: "Reset password" }
    accounts_reset_done "accounts.reset_done" { vi: "Đã cấp lại mật khẩu cho {name}.", en: "Reset the password of {name}." }
    accounts_empty "accounts.empty" { vi: "Chưa có tài khoản nào.", en: "No accounts yet." }
    accounts_actions "accounts.actions" { vi: "Thao tác", en: "Actions" }
    accounts_state "accounts.state" { vi: "Trạng thái", en: "State" }
    accounts_active "accounts.active" { vi: "Đang dùng", en: "Active" }
    accounts_disabled "accounts.disabled" { vi: "Đã khóa", en: "Disabled" }
    accounts_move "accounts.move" { vi: "Chuyển sang địa bàn khác", en: "Move to another area" }
    accounts_move_hint "accounts.move_hint" { vi: "Khi sáp nhập xã hay đổi chi hội: tài khoản giữ tên đăng nhập và mật khẩu, từ nay xem và quản lý địa bàn mới. Điện thoại đã đăng ký vẫn thuộc chi hội cũ và vẫn gửi được phiếu còn trong máy; mã đăng ký chưa dùng hết hiệu lực.", en: "For a commune merger or a change of branch: the account keeps its login and password and from now on sees and manages the new area. Its enrolled phones stay with the old branch and can still send the records they hold; its unused phone codes stop working." }
    accounts_move_button "accounts.move_button" { vi: "Chuyển", en: "Move" }
    accounts_moved "accounts.moved" { vi: "Đã chuyển {name} sang {area}.", en: "Moved {name} to {area}." }
    accounts_moved_phones "accounts.moved_phones" { vi: "{count} điện thoại của tài khoản này vẫn thuộc chi hội cũ: cấp mã mới để đăng ký lại cho chi hội mới khi máy không còn phiếu chờ gửi.", en: "{count} phone(s) of this account stay with the old branch: issue a new code to enroll them for the new one once nothing is waiting." }
    accounts_login_taken "accounts.login_taken" { vi: "Tên đăng nhập {name} đã có người dùng: hãy chọn tên khác.", en: "The login name {name} is already in use: choose another." }
    accounts_bad_login "accounts.bad_login" { vi: "Tên đăng nhập chỉ gồm từ 1 đến {max} chữ a-z không dấu, chữ số, dấu '.', '_' hoặc '-'.", en: "A login name has 1 to {max} letters a-z without accents, digits, '.', '_' or '-'." }
    accounts_branch_head_area "accounts.branch_head_area" { vi: "Chi hội trưởng phải thuộc một chi hội: hãy chọn một chi hội.", en: "A branch head belongs to a branch: choose a branch." }
    accounts_area_required "accounts.area_required" { vi: "Cán bộ và chi hội trưởng phải có địa bàn: hãy chọn một địa bàn.", en: "Officers and branch heads need an area: choose one." }
    accounts_admin_no_area "accounts.admin_no_area" { vi: "Quản trị viên không thuộc địa bàn nào: họ xem được mọi nơi.", en: "An administrator has no area: administrators see everything." }
    accounts_area_archived "accounts.area_archived" { vi: "Địa bàn đã lưu trữ: không đăng nhập được", en: "Area archived: cannot sign in" }
    accounts_disable "accounts.disable" { vi: "Khóa", en: "Disable" }
    accounts_enable "accounts.enable" { vi: "Mở khóa", en: "Enable" }
    accounts_disabled_done "accounts.disabled_done" {
        vi: "Đã khóa tài khoản {name}: không đăng nhập được, điện thoại của tài khoản này cũng bị từ chối.",
        en: "Disabled the account {name}: it cannot sign in and its phones are refused."
    }
    accounts_enabled_done "accounts.enabled_done" { vi: "Đã mở khóa tài khoản {name}.", en: "Enabled the account {name}." }
    accounts_edit "accounts.edit" { vi: "Sửa tài khoản", en: "Edit account" }
    accounts_save "accounts.save" { vi: "Lưu", en: "Save" }
    accounts_saved "accounts.saved" { vi: "Đã lưu tài khoản {name}.", en: "Saved the account {name}." }

    phones_title "phones.title" { vi: "Điện thoại", en: "Phones" }
    phones_issue "phones.issue" { vi: "Cấp mã kết nối cho điện thoại", en: "Issue a phone enrollment code" }
    phones_holder "phones.holder" { vi: "Chi hội trưởng", en: "Branch head" }
    phones_issue_button "phones.issue_button" { vi: "Cấp mã", en: "Issue code" }
    phones_no_heads "phones.no_heads" { vi: "Chưa có chi hội trưởng nào: tạo tài khoản trước.", en: "No branch heads yet: create their accounts first." }
    phones_code_title "phones.code_title" { vi: "Mã kết nối điện thoại", en: "Phone enrollment code" }
    phones_code_for "phones.code_for" { vi: "Dành cho: {name} — {branch}", en: "For: {name} — {branch}" }
    phones_code "phones.code" { vi: "Mã kết nối", en: "Enrollment code" }
    phones_server "phones.server" { vi: "Địa chỉ máy chủ", en: "Server address" }
    phones_expires "phones.expires" { vi: "Dùng được đến {time} (giờ Việt Nam), một lần.", en: "Valid until {time} (Vietnam time), once." }
    phones_scan "phones.scan" {
        vi: "Trên điện thoại: mở ứng dụng, chọn “Quét mã QR” và quét mã này, hoặc nhập địa chỉ máy chủ và mã kết nối.",
        en: "On the phone: open the app, choose “Scan QR code” and scan this code, or type the server address and the code."
    }
    phones_print "phones.print" { vi: "In trang này bằng lệnh In của trình duyệt (Ctrl+P).", en: "Print this page with the browser's Print command (Ctrl+P)." }
    phones_loopback "phones.loopback" {
        vi: "Cảnh báo: máy chủ chưa có địa chỉ công khai (--public-url), nên mã QR chứa {server}, điện thoại không kết nối được. Khởi động lại máy chủ với --public-url.",
        en: "Warning: the server has no public address (--public-url), so the QR code carries {server}, which phones cannot reach. Restart the server with --public-url."
    }
    phones_devices "phones.devices" { vi: "Điện thoại đã kết nối", en: "Enrolled phones" }
    phones_label "phones.label" { vi: "Máy", en: "Phone" }
    phones_branch "phones.branch" { vi: "Chi hội", en: "Branch" }
    phones_open_codes "phones.open_codes" { vi: "Mã kết nối chưa dùng", en: "Codes not used yet" }
    phones_expires_at "phones.expires_at" { vi: "Hết hạn lúc", en: "Expires at" }
    phones_cancel_code "phones.cancel_code" { vi: "Hủy mã", en: "Cancel code" }
    phones_codes_cancelled "phones.codes_cancelled" {
        vi: "Đã hủy mã kết nối của {name}: mã đã in không dùng được nữa.",
        en: "Cancelled the codes of {name}: a printed code no longer works."
    }
    phones_enrolled_at "phones.enrolled_at" { vi: "Kết nối lúc", en: "Enrolled" }
    phones_last_sync "phones.last_sync" { vi: "Đồng bộ lần cuối", en: "Last sync" }
    phones_app_version "phones.app_version" { vi: "Phiên bản ứng dụng", en: "App version" }
    phones_core_version "phones.core_version" { vi: "(lõi {version})", en: "(core {version})" }
    phones_waiting "phones.waiting" { vi: "Phiếu chưa gửi", en: "Records waiting" }
    phones_never "phones.never" { vi: "Chưa đồng bộ", en: "Never" }
    phones_state "phones.state" { vi: "Trạng thái", en: "State" }
    phones_active "phones.active" { vi: "Đang dùng", en: "Active" }
    phones_revoked "phones.revoked" { vi: "Đã thu hồi {time}", en: "Revoked {time}" }
    phones_revoke "phones.revoke" { vi: "Thu hồi", en: "Revoke" }
    phones_revoked_done "phones.revoked_done" { vi: "Đã thu hồi điện thoại {label}: nó không gửi được dữ liệu nữa.", en: "Revoked the phone {label}: it can no longer send data." }
    phones_none "phones.none" { vi: "Chưa có điện thoại nào kết nối.", en: "No phones enrolled yet." }

    nav_rosters "nav.rosters" { vi: "Hội viên", en: "Members" }
    rosters_title "rosters.title" { vi: "Danh sách hội viên", en: "Member rosters" }
    rosters_branch "rosters.branch" { vi: "Chi hội", en: "Branch" }
    rosters_choose "rosters.choose" { vi: "Xem", en: "Show" }
    rosters_no_branches "rosters.no_branches" { vi: "Chưa có chi hội nào trong địa bàn của bạn.", en: "There is no branch in your area yet." }
    rosters_search "rosters.search" { vi: "Tìm theo tên (gõ có dấu hoặc không dấu)", en: "Search by name (with or without accents)" }
    rosters_search_button "rosters.search_button" { vi: "Tìm", en: "Search" }
    rosters_count "rosters.count" { vi: "{count} hội viên", en: "{count} members" }
    rosters_more "rosters.more" { vi: "Đang hiện {shown} trong {total} hội viên: tìm theo tên để thu hẹp.", en: "Showing {shown} of {total} members: search by name to narrow the list." }
    rosters_empty "rosters.empty" { vi: "Chưa có hội viên nào.", en: "No members yet." }
    rosters_name "rosters.name" { vi: "Họ và tên", en: "Full name" }
    rosters_code "rosters.code" { vi: "Mã hội viên", en: "Member number" }
    rosters_sex "rosters.sex" { vi: "Giới tính", en: "Sex" }
    rosters_female "rosters.female" { vi: "Nữ", en: "Female" }
    rosters_male "rosters.male" { vi: "Nam", en: "Male" }
    rosters_unknown "rosters.unknown" { vi: "Không rõ", en: "Unknown" }
    rosters_birth_year "rosters.birth_year" { vi: "Năm sinh", en: "Birth year" }
    rosters_ethnicity "rosters.ethnicity" { vi: "Dân tộc", en: "Ethnic group" }
    rosters_village "rosters.village" { vi: "Thôn, bản", en: "Village" }
    rosters_phone "rosters.phone" { vi: "Điện thoại", en: "Phone" }
    rosters_member_elsewhere "rosters.member_elsewhere" { vi: "Hội viên này thuộc một chi hội khác.", en: "This member belongs to another branch." }
    rosters_archived "rosters.archived" { vi: "Đã rời chi hội", en: "Left the branch" }
    rosters_edit "rosters.edit" { vi: "Sửa", en: "Edit" }
    rosters_edit_title "rosters.edit_title" { vi: "Sửa thông tin hội viên", en: "Edit a member" }
    rosters_save "rosters.save" { vi: "Lưu", en: "Save" }
    rosters_back "rosters.back" { vi: "Quay lại danh sách", en: "Back to the roster" }
    rosters_add "rosters.add" { vi: "Thêm hội viên", en: "Add a member" }
    rosters_add_button "rosters.add_button" { vi: "Thêm", en: "Add" }
    rosters_added "rosters.added" { vi: "Đã thêm hội viên {name}: điện thoại của chi hội nhận được ở lần đồng bộ sau.", en: "Added the member {name}: the branch's phones get her at their next sync." }
    rosters_saved "rosters.saved" { vi: "Đã lưu hội viên {name}.", en: "Saved the member {name}." }
    rosters_import "rosters.import" { vi: "Nhập danh sách từ tệp (CSV hoặc Excel .xlsx)", en: "Import a list from a file (CSV or Excel .xlsx)" }
    rosters_import_help "rosters.import_help" {
        vi: "Dòng đầu là tên cột: Họ tên (bắt buộc), Giới tính, Năm sinh, Dân tộc, Thôn, Điện thoại, Mã hội viên. Người đã có (cùng mã, hoặc cùng tên, năm sinh và thôn) được cập nhật, không thêm hai lần.",
        en: "The first row names the columns: Full name (required), Sex, Birth year, Ethnic group, Village, Phone, Member number. A person already there (same number, or same name, birth year and village) is updated, not added twice."
    }
    rosters_file "rosters.file" { vi: "Tệp danh sách", en: "Roster file" }
    rosters_import_button "rosters.import_button" { vi: "Nhập", en: "Import" }
    rosters_imported "rosters.imported" { vi: "Đã nhập: {added} hội viên mới, {updated} hội viên được cập nhật.", en: "Imported: {added} new members, {updated} members updated." }
    rosters_import_refused "rosters.import_refused" { vi: "Chưa nhập gì: tệp có {count} dòng cần sửa (xem bảng dưới).", en: "Nothing was imported: {count} rows of the file need fixing (see the table below)." }
    rosters_line "rosters.line" { vi: "Dòng", en: "Line" }
    rosters_problem "rosters.problem" { vi: "Cần sửa", en: "To fix" }
    rosters_no_file "rosters.no_file" { vi: "Hãy chọn một tệp danh sách.", en: "Choose a roster file." }
    rosters_wrong_type "rosters.wrong_type" { vi: "Chỉ nhận tệp CSV hoặc Excel (.xlsx).", en: "Only CSV or Excel (.xlsx) files are accepted." }
    rosters_file_unreadable "rosters.file_unreadable" { vi: "Không đọc được tệp: hãy lưu lại thành CSV (UTF-8) hoặc Excel .xlsx.", en: "The file cannot be read: save it again as CSV (UTF-8) or Excel .xlsx." }
    rosters_no_name_column "rosters.no_name_column" { vi: "Tệp không có cột họ tên (\"Họ tên\" hoặc \"full_name\").", en: "The file has no name column (\"Họ tên\" or \"full_name\")." }
    rosters_too_many "rosters.too_many" { vi: "Tệp có hơn {max} hội viên: hãy chia nhỏ.", en: "The file has more than {max} members: split it." }
    rosters_problem_name "rosters.problem_name" { vi: "Thiếu họ tên.", en: "The name is missing." }
    rosters_problem_sex "rosters.problem_sex" { vi: "Giới tính \"{value}\" không rõ: ghi Nữ, Nam hoặc để trống.", en: "Unknown sex \"{value}\": write Female, Male or leave it empty." }
    rosters_problem_year "rosters.problem_year" { vi: "Năm sinh \"{value}\" không hợp lệ: ghi bốn chữ số, từ 1900 đến năm nay.", en: "Birth year \"{value}\" is not valid: write four digits, from 1900 to this year." }
    rosters_problem_ethnicity "rosters.problem_ethnicity" { vi: "Dân tộc \"{value}\" không có trong 54 dân tộc.", en: "Ethnic group \"{value}\" is not one of the 54." }
    rosters_problem_id "rosters.problem_id" { vi: "Mã định danh \"{value}\" không hợp lệ: để trống cột id.", en: "The id \"{value}\" is not valid: leave the id column empty." }
    rosters_problem_twice "rosters.problem_twice" { vi: "Trùng với hội viên ở dòng {line}.", en: "The same member as on line {line}." }
    rosters_problem_unreadable "rosters.problem_unreadable" { vi: "Không đọc được dòng này.", en: "This row cannot be read." }

    nav_audit "nav.audit" { vi: "Nhật ký", en: "Audit log" }
    audit_title "audit.title" { vi: "Nhật ký quản trị", en: "Audit log" }
    audit_empty "audit.empty" { vi: "Chưa có thao tác quản trị nào.", en: "No administrative actions yet." }
    audit_when "audit.when" { vi: "Thời gian", en: "When" }
    audit_who "audit.who" { vi: "Người làm", en: "Who" }
    audit_action "audit.action" { vi: "Thao tác", en: "Action" }
    audit_target "audit.target" { vi: "Đối tượng", en: "Target" }
    audit_detail "audit.detail" { vi: "Chi tiết", en: "Detail" }
    audit_server "audit.server" { vi: "Máy chủ (lần chạy đầu hoặc dòng lệnh)", en: "The server (first start or command line)" }
    audit_older "audit.older" { vi: "Cũ hơn →", en: "Older →" }
    audit_newest "audit.newest" { vi: "← Mới nhất", en: "← Newest" }
    audit_area_create "audit.area_create" { vi: "Thêm địa bàn", en: "Added an area" }
    audit_area_rename "audit.area_rename" { vi: "Đổi tên địa bàn", en: "Renamed an area" }
    audit_area_move "audit.area_move" { vi: "Chuyển địa bàn", en: "Moved an area" }
    audit_area_archive "audit.area_archive" { vi: "Lưu trữ địa bàn", en: "Archived an area" }
    audit_area_restore "audit.area_restore" { vi: "Khôi phục địa bàn", en: "Restored an area" }
    audit_area_delete "audit.area_delete" { vi: "Xóa địa bàn", en: "Deleted an area" }
    audit_account_create "audit.account_create" { vi: "Tạo tài khoản", en: "Created an account" }
    audit_account_rename "audit.account_rename" { vi: "Đổi tên hiển thị", en: "Changed a display name" }
    audit_password_reset "audit.password_reset" { vi: "Cấp lại mật khẩu", en: "Reset a password" }
    audit_account_disable "audit.account_disable" { vi: "Khóa tài khoản", en: "Disabled an account" }
    audit_account_enable "audit.account_enable" { vi: "Mở khóa tài khoản", en: "Enabled an account" }
    audit_account_move "audit.account_move" { vi: "Chuyển tài khoản sang địa bàn khác", en: "Moved an account to another area" }
    audit_enrollment_issue "audit.enrollment_issue" { vi: "Cấp mã kết nối điện thoại", en: "Issued a phone enrollment code" }
    audit_enrollment_cancel "audit.enrollment_cancel" { vi: "Hủy mã kết nối", en: "Cancelled enrollment codes" }
    audit_device_revoke "audit.device_revoke" { vi: "Thu hồi điện thoại", en: "Revoked a phone" }
    audit_members_save "audit.members_save" { vi: "Lưu danh sách hội viên", en: "Saved roster members" }
    audit_form_upload "audit.form_upload" { vi: "Tải biểu mẫu lên", en: "Uploaded a form" }
    audit_form_publish "audit.form_publish" { vi: "Phát hành biểu mẫu", en: "Published a form" }
    audit_form_retire "audit.form_retire" { vi: "Ngừng dùng biểu mẫu", en: "Retired a form" }
    audit_review_decide "audit.review_decide" { vi: "Duyệt phiếu", en: "Reviewed a record" }

    forms_title "forms.title" { vi: "Biểu mẫu", en: "Forms" }
    forms_upload "forms.upload" { vi: "Tải biểu mẫu lên (XLSForm .xlsx)", en: "Upload a form (XLSForm .xlsx)" }
    forms_file "forms.file" { vi: "Tệp biểu mẫu", en: "Form file" }
    forms_upload_button "forms.upload_button" { vi: "Tải lên và kiểm tra", en: "Upload and check" }
    forms_uploaded "forms.uploaded" { vi: "Đã tải lên {form} phiên bản {version} (bản nháp: điện thoại chưa nhận).", en: "Uploaded {form} version {version} (a draft: phones do not get it yet)." }
    forms_problems "forms.problems" { vi: "Biểu mẫu có {count} lỗi; chưa lưu gì. Sửa tệp rồi tải lên lại.", en: "The form has {count} problem(s); nothing was stored. Fix the file and upload it again." }
    forms_sheet "forms.sheet" { vi: "Trang tính", en: "Sheet" }
    forms_row "forms.row" { vi: "Dòng", en: "Row" }
    forms_column "forms.column" { vi: "Cột", en: "Column" }
    forms_problem "forms.problem" { vi: "Lỗi", en: "Problem" }
    forms_warnings "forms.warnings" { vi: "Lưu ý: những điểm sau không chặn biểu mẫu, nhưng có thể không đúng ý người soạn. Nên xem lại.", en: "Warnings: these do not stop the form, but may not be what its author meant. Check them." }
    forms_warning "forms.warning" { vi: "Lưu ý", en: "Warning" }
    forms_id "forms.id" { vi: "Mã biểu mẫu", en: "Form id" }
    forms_version "forms.version" { vi: "Phiên bản", en: "Version" }
    forms_form_title "forms.form_title" { vi: "Tên biểu mẫu", en: "Title" }
    forms_state "forms.state" { vi: "Trạng thái", en: "State" }
    forms_draft "forms.draft" { vi: "Bản nháp", en: "Draft" }
    forms_published "forms.published" { vi: "Đã phát hành", en: "Published" }
    forms_uploaded_at "forms.uploaded_at" { vi: "Tải lên lúc", en: "Uploaded" }
    forms_publish "forms.publish" { vi: "Phát hành", en: "Publish" }
    forms_published_done "forms.published_done" { vi: "Đã phát hành {form} phiên bản {version}: điện thoại sẽ nhận ở lần đồng bộ tới.", en: "Published {form} version {version}: phones get it at their next sync." }
    forms_sent_to "forms.sent_to" { vi: "Gửi tới", en: "Sent to" }
    forms_everywhere "forms.everywhere" { vi: "Mọi điện thoại", en: "Every phone" }
    forms_retired "forms.retired" { vi: "Đã ngừng dùng", en: "Retired" }
    forms_retire "forms.retire" { vi: "Ngừng dùng", en: "Retire" }
    forms_republish "forms.republish" { vi: "Phát hành lại", en: "Publish again" }
    forms_retired_done "forms.retired_done" { vi: "Đã ngừng dùng {form} phiên bản {version}: điện thoại không đưa ra cho khảo sát mới nữa; bản nháp đã bắt đầu vẫn gửi được.", en: "Retired {form} version {version}: phones no longer offer it for new surveys; drafts already started can still be sent." }
    forms_none "forms.none" { vi: "Chưa có biểu mẫu nào.", en: "No forms yet." }
    forms_attachments "forms.attachments" { vi: "Tệp đính kèm của biểu mẫu (CSV, ảnh; nếu biểu mẫu dùng)", en: "The form's files (CSV, images; if the form uses any)" }
    forms_missing_files "forms.missing_files" { vi: "Biểu mẫu cần tệp {files} nhưng chưa được đính kèm; chưa lưu gì. Chọn các tệp đó rồi tải lên lại.", en: "The form needs the file(s) {files}, which were not attached; nothing was stored. Choose them and upload again." }
    forms_unused_file "forms.unused_file" { vi: "Biểu mẫu không dùng tệp '{file}'; chỉ đính kèm các tệp biểu mẫu nêu tên.", en: "The form does not use the file '{file}': attach only the files it names." }
    forms_version_taken "forms.version_taken" { vi: "Đã có phiên bản {version} của biểu mẫu {form} với nội dung khác: hãy đặt cho biểu mẫu mới một phiên bản mới (cột version ở trang settings).", en: "Version {version} of form {form} already exists with different content: give the new form a new version (the version column of its settings sheet)." }
    forms_unreadable "forms.unreadable" { vi: "Không đọc được tệp biểu mẫu: hãy gửi biểu mẫu XLSForm dạng tệp Excel .xlsx.", en: "The form file cannot be read: send the XLSForm as an Excel .xlsx file." }
    forms_bad_file "forms.bad_file" { vi: "Tệp đính kèm '{file}' không dùng được (tên không hợp lệ, trùng tên hoặc quá lớn).", en: "The attached file '{file}' cannot be used (a bad or repeated name, or too large)." }
    forms_too_many_files "forms.too_many_files" { vi: "Quá nhiều tệp đính kèm: một biểu mẫu có tối đa {max} tệp.", en: "Too many files attached: a form may carry at most {max}." }
    forms_no_file "forms.no_file" { vi: "Xin chọn một tệp .xlsx.", en: "Please choose an .xlsx file." }
    forms_admin_only "forms.admin_only" { vi: "Chỉ quản trị viên tải lên và phát hành biểu mẫu.", en: "Only an administrator uploads and publishes forms." }

    nav_submissions "nav.submissions" { vi: "Phiếu khảo sát", en: "Submissions" }
    submissions_title "submissions.title" { vi: "Phiếu khảo sát đã gửi về", en: "Submissions received" }
    submissions_form "submissions.form" { vi: "Biểu mẫu", en: "Form" }
    submissions_name "submissions.name" { vi: "Tên phiếu", en: "Record" }
    submissions_area "submissions.area" { vi: "Địa bàn", en: "Area" }
    submissions_all "submissions.all" { vi: "Tất cả", en: "All" }
    submissions_from "submissions.from" { vi: "Từ ngày", en: "From" }
    submissions_to "submissions.to" { vi: "Đến trước ngày", en: "Before" }
    submissions_state "submissions.state" { vi: "Tình trạng duyệt", en: "Review state" }
    submissions_filter "submissions.filter" { vi: "Lọc", en: "Filter" }
    submissions_dates_hint "submissions.dates_hint" { vi: "Ngày tính theo giờ Việt Nam.", en: "Dates are Vietnam time." }
    submissions_branch "submissions.branch" { vi: "Chi hội", en: "Branch" }
    submissions_commune "submissions.commune" { vi: "Xã", en: "Commune" }
    submissions_sender "submissions.sender" { vi: "Người gửi", en: "Sent by" }
    submissions_device "submissions.device" { vi: "Máy gửi", en: "Phone" }
    submissions_when "submissions.when" { vi: "Hoàn thành lúc", en: "Finalized" }
    submissions_received "submissions.received" { vi: "Nhận lúc", en: "Received" }
    submissions_photos "submissions.photos" { vi: "Ảnh", en: "Photos" }
    submissions_none "submissions.none" { vi: "Không có phiếu nào khớp bộ lọc.", en: "No submissions match the filters." }
    submissions_next "submissions.next" { vi: "Trang tiếp →", en: "Next page →" }
    submissions_download_csv "submissions.download_csv" { vi: "Tải CSV", en: "Download CSV" }
    submissions_download_labels "submissions.download_labels" { vi: "Tải CSV (nhãn lựa chọn)", en: "Download CSV (choice labels)" }
    submissions_download_xlsx "submissions.download_xlsx" { vi: "Tải Excel", en: "Download Excel" }
    submissions_download_gatherings "submissions.download_gatherings" { vi: "Tải danh sách buổi sinh hoạt và người dự", en: "Download gatherings and attendance" }
    submissions_download_households "submissions.download_households" { vi: "Tải danh sách hộ và thành viên", en: "Download households and members" }
    submissions_pick_form "submissions.pick_form" { vi: "Chọn một biểu mẫu để tải phiếu về.", en: "Choose a form to download its submissions." }
    record_answers "record.answers" { vi: "Câu trả lời", en: "Answers" }
    record_photos "record.photos" { vi: "Ảnh", en: "Photos" }
    record_map "record.map" { vi: "xem bản đồ", en: "see the map" }
    record_recording "record.recording" { vi: "Tải bản ghi về", en: "Download the recording" }
    record_revisions "record.revisions" { vi: "Các lần gửi", en: "Revisions" }
    record_reviews "record.reviews" { vi: "Lịch sử duyệt", en: "Review history" }
    record_no_reviews "record.no_reviews" { vi: "Chưa ai duyệt phiếu này.", en: "Nobody has reviewed this record yet." }
    record_corrections "record.corrections" { vi: "Máy chủ đã tính lại", en: "Recomputed by the server" }
    record_corrections_intro "record.corrections_intro" { vi: "Điện thoại gửi các giá trị này khác với giá trị máy chủ tính từ câu trả lời; máy chủ giữ giá trị của mình. Thời điểm do đồng hồ điện thoại ghi mà nằm ngoài thời gian của phiếu thì được giữ nguyên và có ghi chú.", en: "The phone sent these values differently from what the server computes from the answers; the server keeps its own. Times the phone's clock wrote outside the record's own times are kept as sent, with a note." }
    record_doubt_before_start "record.doubt_before_start" { vi: "Trước khi bắt đầu điền phiếu: đồng hồ điện thoại có thể sai.", en: "Before filling started: the phone's clock may be wrong." }
    record_doubt_after_end "record.doubt_after_end" { vi: "Sau khi phiếu đã hoàn thành: đồng hồ điện thoại có thể sai.", en: "After the record was finished: the phone's clock may be wrong." }
    record_doubt_after_receipt "record.doubt_after_receipt" { vi: "Sau khi máy chủ nhận phiếu: đồng hồ điện thoại chạy nhanh.", en: "After the server received the record: the phone's clock runs ahead." }
    record_audit "record.audit" { vi: "Nhật ký thao tác", en: "Audit log" }
    record_audit_title "record.audit_title" { vi: "Thời gian trên từng câu hỏi", en: "Time on each question" }
    record_audit_summary "record.audit_summary" { vi: "{count} lần hiện câu hỏi, tổng cộng {total} trên màn hình; cả buổi dài {length}, bắt đầu lúc {start}.", en: "{count} question(s) shown, {total} on screen in all; the whole visit took {length}, from {start}." }
    record_audit_shown "record.audit_shown" { vi: "Hiện lúc", en: "Shown at" }
    record_audit_on_screen "record.audit_on_screen" { vi: "Thời gian trên màn hình", en: "Time on screen" }
    record_audit_more "record.audit_more" { vi: "Chỉ hiện {shown} dòng đầu trong {total}: tải nhật ký thao tác để xem hết.", en: "Only the first {shown} of {total} are shown: download the audit log for all." }
    record_audit_seconds "record.audit_seconds" { vi: "{s} giây", en: "{s} s" }
    record_audit_minutes "record.audit_minutes" { vi: "{m} phút {s} giây", en: "{m} min {s} s" }
    record_corrections_revision "record.corrections_revision" { vi: "Lần sửa", en: "Revision" }
    record_corrections_question "record.corrections_question" { vi: "Câu hỏi", en: "Question" }
    record_corrections_sent "record.corrections_sent" { vi: "Điện thoại gửi", en: "Phone sent" }
    record_corrections_kept "record.corrections_kept" { vi: "Máy chủ giữ", en: "Server keeps" }
    record_corrections_more "record.corrections_more" { vi: "Và thêm giá trị khác:", en: "More values:" }
    review_received "review.received" { vi: "Chưa duyệt", en: "Not reviewed" }
    review_has_issues "review.has_issues" { vi: "Cần sửa", en: "Has issues" }
    review_approved "review.approved" { vi: "Đã duyệt", en: "Approved" }
    review_rejected "review.rejected" { vi: "Không nhận", en: "Rejected" }
    review_decision "review.decision" { vi: "Quyết định", en: "Decision" }
    review_comment "review.comment" { vi: "Ghi chú cho chi hội trưởng", en: "Comment for the branch head" }
    review_submit "review.submit" { vi: "Lưu quyết định", en: "Save the decision" }
    review_done "review.done" { vi: "Đã lưu quyết định duyệt.", en: "The review decision is saved." }
    review_choose "review.choose" { vi: "Xin chọn một quyết định.", en: "Please choose a decision." }
    review_selection "review.selection" { vi: "Duyệt các phiếu đã chọn", en: "Review the selected records" }
    review_select "review.select" { vi: "Chọn phiếu này", en: "Select this record" }
    review_select_all "review.select_all" { vi: "Chọn tất cả trên trang này", en: "Select all on this page" }
    review_select_none "review.select_none" { vi: "Bỏ chọn tất cả", en: "Clear the selection" }
    review_choose_records "review.choose_records" { vi: "Xin chọn ít nhất một phiếu.", en: "Please select at least one record." }
    review_done_many "review.done_many" { vi: "Đã lưu quyết định duyệt cho {count} phiếu.", en: "The review decision is saved for {count} records." }
    review_filtered "review.filtered" { vi: "Áp dụng cho mọi phiếu khớp bộ lọc", en: "Apply to every record matching the filters" }
    review_confirm_title "review.confirm_title" { vi: "Xác nhận quyết định duyệt", en: "Confirm the review decision" }
    review_confirm_text "review.confirm_text" { vi: "Quyết định «{state}» sẽ được ghi cho {count} phiếu khớp bộ lọc (mọi trang), cùng một ghi chú. Không phiếu nào được ghi nếu có lỗi.", en: "The decision “{state}” will be recorded on the {count} records matching the filters (every page), with one comment. No record is changed if anything fails." }
    review_confirm_button "review.confirm_button" { vi: "Xác nhận cho {count} phiếu", en: "Confirm for {count} records" }
    review_confirm_back "review.confirm_back" { vi: "Quay lại danh sách", en: "Back to the list" }
    review_too_many "review.too_many" { vi: "Bộ lọc khớp hơn {max} phiếu: xin thu hẹp bộ lọc (biểu mẫu, địa bàn, ngày, tình trạng).", en: "More than {max} records match the filters: please narrow them (form, area, dates, state)." }
    review_none_match "review.none_match" { vi: "Không có phiếu nào khớp bộ lọc.", en: "No record matches the filters." }
    review_changed "review.changed" { vi: "Các phiếu khớp bộ lọc đã thay đổi từ lúc xem: xin xác nhận lại.", en: "The records matching the filters changed since you looked: please confirm again." }

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
    error_not_media "error.not_media" {
        vi: "Tệp này không phải ảnh JPEG hay bản ghi âm, ghi hình nên không được hiển thị.",
        en: "This file is neither a JPEG photo nor a recording, so it is not shown."
    }
    error_throttled "error.throttled" {
        vi: "Đã thử sai quá nhiều lần. Xin đợi {seconds} giây rồi thử lại.",
        en: "Too many failed attempts. Please wait {seconds} seconds and try again."
    }
    error_busy "error.busy" { vi: "Máy chủ đang bận. Xin thử lại sau vài giây.", en: "The server is busy. Please try again in a few seconds." }
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
