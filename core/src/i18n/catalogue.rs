//! The words of both apps, Vietnamese and English, one entry per [`TextKey`]. Each
//! entry is `Key "dotted.id" { vi: "...", en: "..." }`; `{name}` marks a placeholder
//! that [`super::ui_format`] fills. Both languages are required by the macro's syntax,
//! and a test checks that they name the same placeholders.
//!
//! Written for branch heads in highland communes: short, plain, polite ("chị"), no
//! technical words. Add a key here and both apps can use it at once.

macro_rules! catalogue {
    ($( $key:ident $id:tt { vi: $vi:tt, en: $en:tt } )*) => {
        /// Every text of the apps' screens, by what it says (the doc of each key is its
        /// English text). Read one with `ui_text` / `ui_format`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
        pub enum TextKey {
            $( #[doc = $en] $key, )*
        }

        impl TextKey {
            /// Every key, in catalogue order.
            pub const ALL: &'static [TextKey] = &[$( TextKey::$key ),*];

            /// The key's stable dotted id ("home.drafts"), as `ui_texts` keys its map.
            pub fn id(self) -> &'static str {
                match self { $( TextKey::$key => $id, )* }
            }

            /// The Vietnamese and English texts.
            pub(crate) fn texts(self) -> (&'static str, &'static str) {
                match self { $( TextKey::$key => ($vi, $en), )* }
            }
        }
    };
}

catalogue! {
    // Common words.
    AppName "app.name" { vi: "Sổ tay Chi hội", en: "Branchbook" }
    ActionOk "action.ok" { vi: "Đồng ý", en: "OK" }
    ActionCancel "action.cancel" { vi: "Hủy", en: "Cancel" }
    ActionSave "action.save" { vi: "Lưu", en: "Save" }
    ActionDelete "action.delete" { vi: "Xóa", en: "Delete" }
    ActionEdit "action.edit" { vi: "Sửa", en: "Edit" }
    ActionClose "action.close" { vi: "Đóng", en: "Close" }
    ActionRetry "action.retry" { vi: "Thử lại", en: "Try again" }
    ActionSearch "action.search" { vi: "Tìm kiếm", en: "Search" }
    ActionYes "action.yes" { vi: "Có", en: "Yes" }
    ActionNo "action.no" { vi: "Không", en: "No" }
    CommonLoading "common.loading" { vi: "Đang tải…", en: "Loading…" }
    CommonSaved "common.saved" { vi: "Đã lưu", en: "Saved" }
    CommonNotRecorded "common.not_recorded" { vi: "Chưa ghi", en: "Not recorded" }

    // Enroll.
    EnrollTitle "enroll.title" { vi: "Kết nối với máy chủ của Hội", en: "Connect to the Union's server" }
    EnrollIntro "enroll.intro" {
        vi: "Quét mã QR do cán bộ Hội đưa, hoặc nhập địa chỉ máy chủ và mã đăng ký.",
        en: "Scan the QR code the Union officer shows you, or type the server address and the enrollment code."
    }
    EnrollScanQr "enroll.scan_qr" { vi: "Quét mã QR", en: "Scan QR code" }
    EnrollServer "enroll.server" { vi: "Địa chỉ máy chủ", en: "Server address" }
    EnrollCode "enroll.code" { vi: "Mã đăng ký", en: "Enrollment code" }
    EnrollDeviceLabel "enroll.device_label" {
        vi: "Tên máy (ví dụ: Điện thoại của chị Mai)",
        en: "Name of this phone (for example: Mai's phone)"
    }
    EnrollSubmit "enroll.submit" { vi: "Kết nối", en: "Connect" }
    EnrollConnecting "enroll.connecting" { vi: "Đang kết nối…", en: "Connecting…" }
    EnrollDone "enroll.done" { vi: "Đã kết nối với chi hội {branch}.", en: "Connected to the {branch} branch." }
    EnrollFirstSync "enroll.first_sync" {
        vi: "Đang tải biểu mẫu và danh sách hội viên…",
        en: "Downloading the forms and the member list…"
    }
    EnrollScanPrompt "enroll.scan_prompt" {
        vi: "Hướng máy ảnh vào mã QR trên máy của cán bộ Hội. Giữ yên tay, máy sẽ tự đọc mã.",
        en: "Point the camera at the QR code on the Union officer's screen. Hold still: the phone reads it by itself."
    }
    EnrollCameraDenied "enroll.camera_denied" {
        vi: "Cần cho phép dùng máy ảnh để quét mã QR.",
        en: "Allow the camera to scan the QR code."
    }
    EnrollBadQr "enroll.bad_qr" {
        vi: "Mã QR này không phải mã đăng ký của Hội.",
        en: "This QR code is not a Union enrollment code."
    }

    // Home.
    HomeTitle "home.title" { vi: "Trang chủ", en: "Home" }
    HomeBranch "home.branch" { vi: "Chi hội {branch}", en: "{branch} branch" }
    HomeDrafts "home.drafts" { vi: "Phiếu đang làm dở: {count}", en: "Unfinished surveys: {count}" }
    HomeReady "home.ready" { vi: "Chờ gửi: {count}", en: "Ready to send: {count}" }
    HomeSent "home.sent" { vi: "Đã gửi: {count}", en: "Sent: {count}" }
    HomeAttention "home.attention" { vi: "Cần xem lại: {count}", en: "Need attention: {count}" }
    HomeReturned "home.returned" { vi: "Cán bộ Hội trả lại để sửa", en: "Returned by the officer" }
    HomeReturnedCorrect "home.returned_correct" { vi: "Sửa và gửi lại", en: "Correct and send again" }
    HomeReturnedComment "home.returned_comment" { vi: "Ý kiến của cán bộ: {comment}", en: "Officer's comment: {comment}" }
    HomeVisitHousehold "home.visit_household" { vi: "Thăm hộ gia đình", en: "Visit a household" }
    HomeHoldGathering "home.hold_gathering" { vi: "Tổ chức buổi sinh hoạt", en: "Hold a gathering" }
    HomeSend "home.send" { vi: "Gửi dữ liệu", en: "Send data" }
    HomeSettings "home.settings" { vi: "Cài đặt", en: "Settings" }
    HomeNotEnrolled "home.not_enrolled" {
        vi: "Máy chưa kết nối với máy chủ. Chị vẫn làm việc bình thường; dữ liệu sẽ được gửi sau.",
        en: "This phone is not connected to a server yet. You can keep working; the data will be sent later."
    }

    // Households.
    HouseholdsTitle "households.title" { vi: "Hộ gia đình", en: "Households" }
    HouseholdsSearchHint "households.search_hint" { vi: "Tìm theo tên, không cần gõ dấu", en: "Search by name (no accents needed)" }
    HouseholdsEmpty "households.empty" {
        vi: "Chưa có hộ nào. Bấm “Thêm hộ” để bắt đầu.",
        en: "No households yet. Tap “Add household” to start."
    }
    HouseholdsNoMatch "households.no_match" { vi: "Không tìm thấy hộ nào khớp với “{query}”.", en: "No household matches “{query}”." }
    HouseholdsAdd "households.add" { vi: "Thêm hộ", en: "Add household" }
    HouseholdEditTitle "household.edit_title" { vi: "Thông tin hộ", en: "Household details" }
    HouseholdVillage "household.village" { vi: "Thôn/bản", en: "Village" }
    HouseholdAddress "household.address" { vi: "Địa chỉ hoặc cách tìm nhà", en: "Address or how to find the house" }
    HouseholdHeadName "household.head_name" { vi: "Họ tên chủ hộ", en: "Name of the household head" }
    HouseholdNotes "household.notes" { vi: "Ghi chú", en: "Notes" }
    HouseholdMembers "household.members" { vi: "Thành viên ({count})", en: "Members ({count})" }
    HouseholdAddMember "household.add_member" { vi: "Thêm thành viên", en: "Add member" }
    HouseholdRemoveMember "household.remove_member" { vi: "Xóa thành viên này", en: "Remove this member" }
    HouseholdArchive "household.archive" { vi: "Lưu trữ hộ (không còn thăm)", en: "Archive the household (no longer visited)" }
    HouseholdUnarchive "household.unarchive" { vi: "Đưa hộ trở lại danh sách", en: "Bring the household back" }
    HouseholdArchived "household.archived" { vi: "Đã lưu trữ", en: "Archived" }
    HouseholdVisits "household.visits" { vi: "Các lần thăm", en: "Visits" }
    HouseholdNoVisits "household.no_visits" { vi: "Chưa có lần thăm nào.", en: "No visits yet." }
    HouseholdStartSurvey "household.start_survey" { vi: "Khảo sát hộ này", en: "Survey this household" }
    HouseholdRevisions "household.revisions" { vi: "Lịch sử thay đổi", en: "Change history" }
    HouseholdRevisionOn "household.revision_on" { vi: "Lần sửa {revision}, ngày {date}", en: "Revision {revision}, {date}" }
    MemberName "member.name" { vi: "Họ và tên", en: "Full name" }
    MemberSex "member.sex" { vi: "Giới tính", en: "Sex" }
    MemberBirthYear "member.birth_year" { vi: "Năm sinh", en: "Birth year" }
    MemberEthnicity "member.ethnicity" { vi: "Dân tộc", en: "Ethnic group" }
    MemberRelation "member.relation" { vi: "Quan hệ với chủ hộ", en: "Relationship to the head" }

    // Choosing and filling a form.
    FormsTitle "forms.title" { vi: "Chọn biểu mẫu", en: "Choose a form" }
    FormsEmpty "forms.empty" {
        vi: "Chưa có biểu mẫu nào. Khi có mạng, chị bấm “Gửi dữ liệu” để tải biểu mẫu về.",
        en: "No forms yet. When you have a connection, tap “Send data” to download them."
    }
    FormsFilesMissing "forms.files_missing" {
        vi: "Còn chờ {count} tệp của biểu mẫu (ảnh, bảng). Lần gửi dữ liệu tới sẽ tải về.",
        en: "Still waiting for {count} of its files (pictures, tables). The next send brings them."
    }
    FormNext "form.next" { vi: "Tiếp", en: "Next" }
    FormBack "form.back" { vi: "Quay lại", en: "Back" }
    FormFinalize "form.finalize" { vi: "Hoàn thành phiếu", en: "Finish the survey" }
    FormRequiredMark "form.required_mark" { vi: "*", en: "*" }
    FormRequiredNote "form.required_note" { vi: "Câu có dấu * là câu bắt buộc.", en: "Questions marked * must be answered." }
    FormRepeatPrompt "form.repeat_prompt" {
        vi: "Đã có {count} mục “{label}”. Chị có muốn thêm mục nữa không?",
        en: "“{label}” has {count} entries. Add another?"
    }
    FormAddRepeat "form.add_repeat" { vi: "Thêm mục", en: "Add entry" }
    FormNoMoreRepeat "form.no_more_repeat" { vi: "Không thêm, đi tiếp", en: "No more, go on" }
    FormRemoveRepeat "form.remove_repeat" { vi: "Xóa mục này", en: "Remove this entry" }
    FormRemoveRepeatConfirm "form.remove_repeat_confirm" {
        vi: "Xóa mục này cùng các câu trả lời trong đó?",
        en: "Remove this entry and its answers?"
    }
    FormJumpList "form.jump_list" { vi: "Danh sách câu hỏi", en: "All questions" }
    FormUnanswered "form.unanswered" { vi: "Chưa trả lời", en: "Not answered" }
    FormMissingTitle "form.missing_title" {
        vi: "Còn {count} câu cần trả lời hoặc sửa",
        en: "Questions to answer or fix: {count}"
    }
    FormGoToQuestion "form.go_to_question" { vi: "Đến câu này", en: "Go to this question" }
    FormPageHasErrors "form.page_has_errors" {
        vi: "Trang này còn câu chưa trả lời hoặc chưa đúng.",
        en: "Some questions on this page need an answer or a fix."
    }
    FormAutosaved "form.autosaved" { vi: "Câu trả lời được lưu ngay khi nhập.", en: "Answers are saved as you go." }
    FormEndTitle "form.end_title" { vi: "Đã hết câu hỏi", en: "End of the questions" }
    FormEndBody "form.end_body" {
        vi: "Chị xem lại nếu cần, rồi bấm “Hoàn thành phiếu”.",
        en: "Check your answers if needed, then tap “Finish the survey”."
    }
    FormFinalized "form.finalized" {
        vi: "Đã hoàn thành phiếu. Phiếu sẽ được gửi trong lần gửi dữ liệu tới.",
        en: "Survey finished. It will go with the next send."
    }
    FormLabelLanguage "form.label_language" { vi: "Ngôn ngữ câu hỏi", en: "Question language" }
    FormTakePhoto "form.take_photo" { vi: "Chụp ảnh", en: "Take a photo" }
    FormRetakePhoto "form.retake_photo" { vi: "Chụp lại", en: "Take it again" }
    FormScanCode "form.scan_code" { vi: "Quét mã", en: "Scan the code" }
    FormTypeCode "form.type_code" { vi: "Hoặc nhập mã vào đây", en: "Or type the code here" }
    FormCodeUnreadable "form.code_unreadable" {
        vi: "Không đọc được mã. Chị chụp lại gần hơn, hoặc nhập mã.",
        en: "The code could not be read. Take it again closer, or type it."
    }
    FormRecordAudio "form.record_audio" { vi: "Ghi âm", en: "Record sound" }
    FormRecordVideo "form.record_video" { vi: "Ghi hình", en: "Record a video" }
    FormRecordAgain "form.record_again" { vi: "Ghi lại", en: "Record it again" }
    FormRecorded "form.recorded" { vi: "✓ Đã ghi", en: "✓ Recorded" }
    FormStopRecording "form.stop_recording" { vi: "Dừng ghi", en: "Stop recording" }
    FormMicrophoneDenied "form.microphone_denied" {
        vi: "Chị hãy cho phép ứng dụng dùng micrô (trong Cài đặt) để ghi âm.",
        en: "Allow the app to use the microphone (in Settings) to record sound."
    }
    FormCameraDenied "form.camera_denied" {
        vi: "Chị hãy cho phép ứng dụng dùng máy ảnh (trong Cài đặt).",
        en: "Allow the app to use the camera (in Settings)."
    }
    FormGetLocation "form.get_location" { vi: "Lấy vị trí", en: "Get the location" }
    FormLocationAccuracy "form.location_accuracy" { vi: "Sai số khoảng {meters} m", en: "Accurate to about {meters} m" }
    FormLineAddPoint "form.line_add_point" { vi: "Thêm vị trí đang đứng", en: "Add where I am now" }
    FormLineRemoveLast "form.line_remove_last" { vi: "Bỏ điểm cuối", en: "Take back the last point" }
    FormLineClear "form.line_clear" { vi: "Xóa hết các điểm", en: "Remove every point" }
    FormLineClearConfirm "form.line_clear_confirm" { vi: "Xóa hết các điểm chị đã lấy?", en: "Remove every point you took?" }
    FormLineNoPoint "form.line_no_point" { vi: "Chưa có điểm nào.", en: "No point yet." }
    FormLineOnePoint "form.line_one_point" { vi: "1 điểm", en: "1 point" }
    FormLinePoints "form.line_points" { vi: "{count} điểm", en: "{count} points" }
    FormLineLength "form.line_length" { vi: "dài {length}", en: "{length} long" }
    FormShapeArea "form.shape_area" { vi: "diện tích {area}", en: "area {area}" }
    FormShapePerimeter "form.shape_perimeter" { vi: "chu vi dài {length}", en: "{length} around" }
    FormTraceHelp "form.trace_help" {
        vi: "Chị đi dọc đường, bấm “Thêm vị trí đang đứng” ở điểm đầu, ở mỗi chỗ rẽ và ở điểm cuối.",
        en: "Walk along the way and tap “Add where I am now” at the start, at each turn and at the end."
    }
    FormShapeHelp "form.shape_help" {
        vi: "Chị đi quanh ranh giới, bấm “Thêm vị trí đang đứng” ở mỗi góc. Điểm cuối tự nối về điểm đầu.",
        en: "Walk around the edge and tap “Add where I am now” at each corner. The last point joins the first by itself."
    }
    FormPickDate "form.pick_date" { vi: "Chọn ngày", en: "Pick a date" }
    FormPickTime "form.pick_time" { vi: "Chọn giờ", en: "Pick a time" }
    FormAcknowledge "form.acknowledge" { vi: "Tôi xác nhận", en: "I confirm" }
    FormRankUnranked "form.rank_unranked" {
        vi: "Chưa xếp thứ tự. Bấm ▲ ▼ để đưa mục quan trọng nhất lên đầu, hoặc giữ thứ tự này.",
        en: "Not ranked yet. Use ▲ ▼ to put the most important first, or keep this order."
    }
    FormRankKeep "form.rank_keep" { vi: "Giữ thứ tự này", en: "Keep this order" }
    FormRankUp "form.rank_up" { vi: "Đưa lên", en: "Move up" }
    FormRankDown "form.rank_down" { vi: "Đưa xuống", en: "Move down" }
    FormOpenPicture "form.open_picture" { vi: "Xem ảnh lớn", en: "See the picture full size" }
    FormPlayAudio "form.play_audio" { vi: "Nghe", en: "Listen" }
    FormStopAudio "form.stop_audio" { vi: "Dừng nghe", en: "Stop" }
    FormClearAnswer "form.clear_answer" { vi: "Xóa câu trả lời", en: "Clear the answer" }
    FormChoose "form.choose" { vi: "Chọn…", en: "Choose…" }
    FormProgress "form.progress" { vi: "Đã làm {percent}%", en: "{percent}% done" }
    FormResume "form.resume" { vi: "Làm tiếp", en: "Continue" }
    FormDeleteDraft "form.delete_draft" { vi: "Xóa phiếu nháp", en: "Delete the draft" }
    FormDeleteDraftConfirm "form.delete_draft_confirm" {
        vi: "Xóa phiếu nháp này? Sau khi xóa sẽ không lấy lại được.",
        en: "Delete this draft? It cannot be recovered."
    }
    FormEditFinalized "form.edit_finalized" { vi: "Sửa phiếu đã hoàn thành", en: "Edit the finished survey" }

    // Gatherings.
    GatheringsTitle "gatherings.title" { vi: "Buổi sinh hoạt", en: "Gatherings" }
    GatheringsEmpty "gatherings.empty" { vi: "Chưa có buổi sinh hoạt nào.", en: "No gatherings yet." }
    GatheringNew "gathering.new" { vi: "Buổi sinh hoạt mới", en: "New gathering" }
    GatheringKind "gathering.kind" { vi: "Hình thức", en: "Kind" }
    GatheringTopic "gathering.topic" { vi: "Chủ đề", en: "Topic" }
    GatheringVillage "gathering.village" { vi: "Thôn/bản", en: "Village" }
    GatheringStartsAt "gathering.starts_at" { vi: "Ngày giờ", en: "Date and time" }
    GatheringFacilitator "gathering.facilitator" { vi: "Người chủ trì", en: "Facilitator" }
    GatheringNotes "gathering.notes" { vi: "Ghi chú", en: "Notes" }
    GatheringOpen "gathering.open" { vi: "Đang diễn ra", en: "In progress" }
    GatheringClosed "gathering.closed" { vi: "Đã kết thúc", en: "Closed" }
    GatheringAttendees "gathering.attendees" { vi: "Người tham dự ({count})", en: "Attendees ({count})" }
    GatheringNoAttendees "gathering.no_attendees" { vi: "Chưa có ai điểm danh.", en: "No one is checked in yet." }
    GatheringSearchRoster "gathering.search_roster" {
        vi: "Tìm hội viên theo tên để điểm danh",
        en: "Search members by name to check them in"
    }
    GatheringCheckIn "gathering.check_in" { vi: "Điểm danh", en: "Check in" }
    GatheringCheckedIn "gathering.checked_in" { vi: "Đã điểm danh", en: "Checked in" }
    GatheringRemoveAttendee "gathering.remove_attendee" { vi: "Bỏ điểm danh", en: "Remove from the list" }
    GatheringWalkIn "gathering.walk_in" { vi: "Thêm người không có trong danh sách", en: "Add someone not on the list" }
    WalkInTitle "walk_in.title" { vi: "Người tham dự mới", en: "New attendee" }
    WalkInName "walk_in.name" { vi: "Họ và tên", en: "Full name" }
    WalkInSex "walk_in.sex" { vi: "Giới tính", en: "Sex" }
    WalkInBirthYear "walk_in.birth_year" { vi: "Năm sinh (nếu biết)", en: "Birth year (if known)" }
    WalkInAgeGroup "walk_in.age_group" {
        vi: "Độ tuổi (nếu không biết năm sinh)",
        en: "Age group (if the birth year is not known)"
    }
    WalkInEthnicity "walk_in.ethnicity" { vi: "Dân tộc", en: "Ethnic group" }
    WalkInAdd "walk_in.add" { vi: "Thêm vào buổi sinh hoạt", en: "Add to the gathering" }
    WalkInNeedsAge "walk_in.needs_age" { vi: "Hãy ghi năm sinh hoặc chọn độ tuổi.", en: "Give a birth year or choose an age group." }
    WalkInMakeMember "walk_in.make_member" { vi: "Đưa vào danh sách hội viên", en: "Add to the member list" }
    GatheringPhotos "gathering.photos" { vi: "Ảnh ({count})", en: "Photos ({count})" }
    GatheringTakePhoto "gathering.take_photo" { vi: "Chụp ảnh buổi sinh hoạt", en: "Take a photo of the gathering" }
    GatheringTotals "gathering.totals" { vi: "Tổng hợp", en: "Totals" }
    GatheringTotalPeople "gathering.total_people" { vi: "Tổng số: {count} người", en: "Total: {count} people" }
    GatheringWomen "gathering.women" { vi: "Nữ: {count}", en: "Women: {count}" }
    GatheringMen "gathering.men" { vi: "Nam: {count}", en: "Men: {count}" }
    GatheringSexUnknown "gathering.sex_unknown" { vi: "Chưa rõ giới tính: {count}", en: "Sex not recorded: {count}" }
    GatheringByEthnicity "gathering.by_ethnicity" { vi: "Theo dân tộc", en: "By ethnic group" }
    GatheringEthnicityCount "gathering.ethnicity_count" { vi: "{ethnicity}: {count}", en: "{ethnicity}: {count}" }
    GatheringByAgeGroup "gathering.by_age_group" { vi: "Theo độ tuổi", en: "By age group" }
    GatheringClose "gathering.close" { vi: "Kết thúc buổi sinh hoạt", en: "Close the gathering" }
    GatheringCloseConfirm "gathering.close_confirm" {
        vi: "Kết thúc buổi này? Sau khi kết thúc sẽ không sửa được danh sách tham dự.",
        en: "Close this gathering? The attendee list cannot be changed afterwards."
    }
    GatheringNeedsAttendee "gathering.needs_attendee" {
        vi: "Cần điểm danh ít nhất một người trước khi kết thúc.",
        en: "Check in at least one person before closing."
    }

    // Send.
    SendTitle "send.title" { vi: "Gửi dữ liệu", en: "Send data" }
    SendButton "send.button" { vi: "Gửi ngay", en: "Send now" }
    SendWaiting "send.waiting" {
        vi: "Đang chờ gửi: {records} bản ghi, {photos} ảnh ({size})",
        en: "Waiting to be sent: {records} records, {photos} photos ({size})"
    }
    SendNothing "send.nothing" { vi: "Không còn gì cần gửi.", en: "Nothing left to send." }
    SendPhaseForms "send.phase.forms" { vi: "Đang tải biểu mẫu…", en: "Downloading forms…" }
    SendPhaseChanges "send.phase.changes" {
        vi: "Đang cập nhật danh sách hội viên và hộ gia đình…",
        en: "Updating members and households…"
    }
    SendPhaseRecords "send.phase.records" { vi: "Đang gửi phiếu: {done}/{total}", en: "Sending records: {done} of {total}" }
    SendPhasePhotos "send.phase.photos" { vi: "Đang gửi ảnh: {done}/{total}", en: "Sending photos: {done} of {total}" }
    SendPhaseDone "send.phase.done" { vi: "Đã gửi xong.", en: "All sent." }
    SendBytes "send.bytes" { vi: "{done} / {total}", en: "{done} / {total}" }
    SendSentSummary "send.sent_summary" {
        vi: "Đã gửi {records} bản ghi và {photos} ảnh.",
        en: "Sent {records} records and {photos} photos."
    }
    SendFilesRefused "send.files_refused" {
        vi: "Máy chủ không nhận {files} tệp ảnh hoặc ghi âm, ghi hình: các tệp này vẫn được giữ trên máy.",
        en: "The server did not take {files} photo or recording files: they stay on this phone."
    }
    SendRefusedTitle "send.refused_title" { vi: "Máy chủ chưa nhận", en: "Not accepted by the server" }
    SendRefusedItem "send.refused_item" { vi: "{what}: {reason}", en: "{what}: {reason}" }
    SendAgain "send.again" { vi: "Gửi lại", en: "Send again" }
    SendStop "send.stop" { vi: "Dừng gửi", en: "Stop sending" }
    SendStopped "send.stopped" { vi: "Đã dừng. Phần đã gửi vẫn được giữ.", en: "Stopped. What was sent is kept." }
    SendNoNetwork "send.no_network" {
        vi: "Không kết nối được. Dữ liệu vẫn an toàn trong máy; hãy thử lại khi có sóng.",
        en: "No connection. Your data is safe on the phone; try again when there is signal."
    }
    SendRevoked "send.revoked" {
        vi: "Máy này không còn được phép gửi dữ liệu. Hãy liên hệ cán bộ Hội Phụ nữ xã để đăng ký lại.",
        en: "This phone may no longer send data. Contact the commune Women's Union officer to enroll it again."
    }
    SendInBackground "send.in_background" {
        vi: "Việc gửi vẫn tiếp tục khi chị làm việc khác trong ứng dụng.",
        en: "Sending goes on while you use the rest of the app."
    }
    SendLast "send.last" { vi: "Lần gửi gần nhất: {time}", en: "Last sent: {time}" }
    RecordSubmission "record.submission" { vi: "Phiếu khảo sát", en: "Survey" }
    RecordHousehold "record.household" { vi: "Hộ gia đình", en: "Household" }
    RecordGathering "record.gathering" { vi: "Buổi sinh hoạt", en: "Gathering" }
    RecordAudit "record.audit" { vi: "Nhật ký thao tác", en: "Activity log entry" }
    RecordForm "record.form" { vi: "Biểu mẫu", en: "Form" }
    RecordMember "record.member" { vi: "Hội viên", en: "Member" }
    RecordAttendee "record.attendee" { vi: "Người tham dự", en: "Attendee" }
    RecordPhoto "record.photo" { vi: "Ảnh", en: "Photo" }
    RecordQueued "record.queued" { vi: "Bản ghi chờ gửi", en: "Record waiting to be sent" }

    // Settings.
    SettingsTitle "settings.title" { vi: "Cài đặt", en: "Settings" }
    SettingsAppLanguage "settings.app_language" { vi: "Ngôn ngữ của ứng dụng", en: "App language" }
    SettingsFormLanguage "settings.form_language" { vi: "Ngôn ngữ câu hỏi trong biểu mẫu", en: "Language of the form questions" }
    SettingsFormLanguageDefault "settings.form_language_default" { vi: "Theo biểu mẫu", en: "As the form says" }
    SettingsStorage "settings.storage" { vi: "Dung lượng đã dùng", en: "Storage used" }
    SettingsStorageDetail "settings.storage_detail" { vi: "Dữ liệu {data}, ảnh {photos}", en: "Data {data}, photos {photos}" }
    SettingsAccount "settings.account" { vi: "Tài khoản: {account}", en: "Account: {account}" }
    SettingsAbout "settings.about" { vi: "Giới thiệu", en: "About" }
    SettingsAboutBody "settings.about_body" {
        vi: "Ứng dụng giúp chi hội trưởng Hội Liên hiệp Phụ nữ ghi lại các lần thăm hộ, các buổi sinh hoạt và gửi về Hội cấp trên, kể cả khi không có mạng.",
        en: "Helps Women's Union branch heads record household visits and gatherings and send them to the Union, even without a connection."
    }
    SettingsVersion "settings.version" { vi: "Phiên bản {version}", en: "Version {version}" }
    LanguageVi "language.vi" { vi: "Tiếng Việt", en: "Vietnamese" }
    LanguageEn "language.en" { vi: "Tiếng Anh", en: "English" }

    // Names of the domain's closed lists.
    SexFemale "sex.female" { vi: "Nữ", en: "Female" }
    SexMale "sex.male" { vi: "Nam", en: "Male" }
    SexUnknown "sex.unknown" { vi: "Không rõ", en: "Not recorded" }
    AgeChild "age_group.child" { vi: "Dưới 16 tuổi", en: "Under 16" }
    AgeYouth "age_group.youth" { vi: "Từ 16 đến 30 tuổi", en: "16 to 30" }
    AgeAdult "age_group.adult" { vi: "Từ 31 đến 59 tuổi", en: "31 to 59" }
    AgeElder "age_group.elder" { vi: "Từ 60 tuổi trở lên", en: "60 and over" }
    AgeUnknown "age_group.unknown" { vi: "Chưa rõ tuổi", en: "Age not known" }
    KindPolicyDialogue "gathering_kind.policy_dialogue" { vi: "Đối thoại chính sách", en: "Policy dialogue" }
    KindCommunicationSession "gathering_kind.communication_session" { vi: "Buổi truyền thông", en: "Communication session" }
    KindTraining "gathering_kind.training" { vi: "Tập huấn", en: "Training" }
    KindClubMeeting "gathering_kind.club_meeting" { vi: "Sinh hoạt câu lạc bộ", en: "Club meeting" }
    KindOther "gathering_kind.other" { vi: "Hình thức khác", en: "Other" }
    StateDraft "state.draft" { vi: "Đang làm dở", en: "Draft" }
    StateFinalized "state.finalized" { vi: "Chờ gửi", en: "Ready to send" }
    StateSent "state.sent" { vi: "Đã gửi", en: "Sent" }
    ReviewHasIssues "review.has_issues" { vi: "Cần sửa", en: "Needs correcting" }
    ReviewRejected "review.rejected" { vi: "Bị từ chối", en: "Rejected" }

    // Errors, one per kind of BranchbookError.
    ErrorNotFound "error.not_found" {
        vi: "Không tìm thấy mục này. Có thể nó đã bị xóa.",
        en: "This item was not found. It may have been deleted."
    }
    ErrorInvalidInput "error.invalid_input" {
        vi: "Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.",
        en: "Something entered is not right. Please check it."
    }
    ErrorWrongState "error.wrong_state" { vi: "Không thể làm việc này lúc này.", en: "This cannot be done now." }
    ErrorStale "error.stale" {
        vi: "Mục này vừa được cập nhật. Hãy mở lại để xem bản mới nhất.",
        en: "This item was just updated. Open it again to see the latest version."
    }
    ErrorFormInvalid "error.form_invalid" {
        vi: "Biểu mẫu có lỗi nên chưa dùng được. Hãy báo cán bộ Hội.",
        en: "The form has mistakes and cannot be used. Tell the Union officer."
    }
    ErrorAnswersRejected "error.answers_rejected" {
        vi: "Còn câu trả lời chưa đúng. Hãy xem danh sách và sửa.",
        en: "Some answers are not accepted. See the list and fix them."
    }
    ErrorStorage "error.storage" {
        vi: "Không lưu được vào máy. Hãy kiểm tra bộ nhớ còn trống.",
        en: "Could not save on the phone. Check that there is free storage."
    }
    ErrorWrongKey "error.wrong_key" {
        vi: "Không mở được dữ liệu trong máy (khóa bảo mật không đúng).",
        en: "The data on this phone cannot be opened (wrong security key)."
    }
    ErrorPhotoUnreadable "error.photo_unreadable" {
        vi: "Không dùng được ảnh này. Hãy chụp lại.",
        en: "This photo cannot be used. Please take it again."
    }
    ErrorRecordingUnusable "error.recording_unusable" {
        vi: "Không dùng được bản ghi này (quá dài, hoặc không phải tệp âm thanh hay video). Hãy ghi lại.",
        en: "This recording cannot be used (too long, or not a sound or video file). Please record it again."
    }
    ErrorFormFilesMissing "error.form_files_missing" {
        vi: "Biểu mẫu này chưa nhận đủ tệp đi kèm. Hãy kết nối mạng và đồng bộ rồi mở lại.",
        en: "This form's files have not all arrived yet. Connect and sync, then open it again."
    }
    ErrorUnsupported "error.unsupported" {
        vi: "Phiên bản ứng dụng này không làm được việc này.",
        en: "This version of the app cannot do this."
    }
    ErrorNotEnrolled "error.not_enrolled" {
        vi: "Máy chưa kết nối với máy chủ của Hội.",
        en: "This phone is not connected to the Union's server yet."
    }
    ErrorNetwork "error.network" {
        vi: "Không kết nối được máy chủ. Dữ liệu vẫn an toàn; hãy thử lại khi có mạng.",
        en: "Cannot reach the server. Your data is safe; try again when you have a connection."
    }
    ErrorServerRefused "error.server_refused" { vi: "Máy chủ không nhận yêu cầu này.", en: "The server did not accept this request." }
    ErrorInsecureConnection "error.insecure_connection" {
        vi: "Không tạo được kết nối an toàn tới máy chủ. Nếu đang dùng Wi-Fi công cộng, hãy đăng nhập Wi-Fi hoặc dùng mạng khác; nếu vẫn lỗi, báo cán bộ Hội xã.",
        en: "Cannot make a secure connection to the server. On a public Wi-Fi, log in to it or use another network; if it goes on, tell the commune Union officer."
    }
    ErrorDeviceRevoked "error.device_revoked" {
        vi: "Máy này đã bị thu hồi quyền gửi dữ liệu. Hãy liên hệ cán bộ Hội xã.",
        en: "This phone's permission to send data was withdrawn. Contact the commune Union officer."
    }
    ErrorCancelled "error.cancelled" { vi: "Đã dừng.", en: "Stopped." }
}
