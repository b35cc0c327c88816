//! Vocabulary of the Women's Union field work that every layer shares: sex, age groups,
//! kinds of gathering and Vietnam's 54 ethnic groups. Reports count by these, so they
//! are closed lists with stable keys, never free text.

use serde::{Deserialize, Serialize};

/// Sex as recorded for attendees, household members and roster members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Woman or girl.
    Female,
    /// Man or boy.
    Male,
    /// Not recorded or not disclosed.
    Unknown,
}

/// Age bands used when a walk-in attendee does not know her birth year, and in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    /// Under 16.
    Child,
    /// 16 to 30.
    Youth,
    /// 31 to 59.
    Adult,
    /// 60 and over.
    Elder,
}

impl AgeGroup {
    /// The band of a person born in `birth_year`, as of `year`; `None` for a birth year
    /// in the future.
    pub fn from_birth_year(birth_year: i32, year: i32) -> Option<AgeGroup> {
        let age = year.checked_sub(birth_year)?;
        match age {
            a if a < 0 => None,
            0..=15 => Some(AgeGroup::Child),
            16..=30 => Some(AgeGroup::Youth),
            31..=59 => Some(AgeGroup::Adult),
            _ => Some(AgeGroup::Elder),
        }
    }
}

/// What kind of gathering a branch head held; indicators count gatherings by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum GatheringKind {
    /// Community policy dialogue (đối thoại chính sách).
    PolicyDialogue,
    /// Communication session (truyền thông).
    CommunicationSession,
    /// Training (tập huấn).
    Training,
    /// Club meeting (sinh hoạt câu lạc bộ).
    ClubMeeting,
    /// Anything else.
    Other,
}

/// One of Vietnam's 54 officially recognised ethnic groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ethnicity {
    /// Stable ASCII key stored in records and used as the XLSForm choice name.
    pub key: &'static str,
    /// The General Statistics Office code, "01" to "54".
    pub gso_code: &'static str,
    /// Vietnamese name.
    pub name_vi: &'static str,
}

macro_rules! ethnicities {
    ($(($key:literal, $code:literal, $vi:literal)),* $(,)?) => {
        /// The 54 ethnic groups in GSO code order.
        pub const ETHNICITIES: &[Ethnicity] = &[$(Ethnicity { key: $key, gso_code: $code, name_vi: $vi }),*];
    };
}

ethnicities![
    ("kinh", "01", "Kinh"),
    ("tay", "02", "Tày"),
    ("thai", "03", "Thái"),
    ("hoa", "04", "Hoa"),
    ("khmer", "05", "Khơ-me"),
    ("muong", "06", "Mường"),
    ("nung", "07", "Nùng"),
    ("hmong", "08", "Mông"),
    ("dao", "09", "Dao"),
    ("gia_rai", "10", "Gia-rai"),
    ("ngai", "11", "Ngái"),
    ("e_de", "12", "Ê-đê"),
    ("ba_na", "13", "Ba-na"),
    ("xo_dang", "14", "Xơ-đăng"),
    ("san_chay", "15", "Sán Chay"),
    ("co_ho", "16", "Cơ-ho"),
    ("cham", "17", "Chăm"),
    ("san_diu", "18", "Sán Dìu"),
    ("hre", "19", "Hrê"),
    ("mnong", "20", "Mnông"),
    ("raglay", "21", "Ra-glai"),
    ("xtieng", "22", "Xtiêng"),
    ("bru_van_kieu", "23", "Bru-Vân Kiều"),
    ("tho", "24", "Thổ"),
    ("giay", "25", "Giáy"),
    ("co_tu", "26", "Cơ-tu"),
    ("gie_trieng", "27", "Giẻ-Triêng"),
    ("ma", "28", "Mạ"),
    ("kho_mu", "29", "Khơ-mú"),
    ("co", "30", "Co"),
    ("ta_oi", "31", "Tà-ôi"),
    ("cho_ro", "32", "Chơ-ro"),
    ("khang", "33", "Kháng"),
    ("xinh_mun", "34", "Xinh-mun"),
    ("ha_nhi", "35", "Hà Nhì"),
    ("chu_ru", "36", "Chu-ru"),
    ("lao", "37", "Lào"),
    ("la_chi", "38", "La Chí"),
    ("la_ha", "39", "La Ha"),
    ("phu_la", "40", "Phù Lá"),
    ("la_hu", "41", "La Hủ"),
    ("lu", "42", "Lự"),
    ("lo_lo", "43", "Lô Lô"),
    ("chut", "44", "Chứt"),
    ("mang", "45", "Mảng"),
    ("pa_then", "46", "Pà Thẻn"),
    ("co_lao", "47", "Cờ Lao"),
    ("cong", "48", "Cống"),
    ("bo_y", "49", "Bố Y"),
    ("si_la", "50", "Si La"),
    ("pu_peo", "51", "Pu Péo"),
    ("brau", "52", "Brâu"),
    ("o_du", "53", "Ơ-đu"),
    ("ro_mam", "54", "Rơ-măm"),
];

/// Looks up an ethnic group by its key (`"hmong"`) or its GSO code (`"08"`).
pub fn ethnicity(key_or_code: &str) -> Option<&'static Ethnicity> {
    ETHNICITIES
        .iter()
        .find(|e| e.key == key_or_code || e.gso_code == key_or_code)
}

/// One ethnic group as the phone apps see it: the walk-in and household-member pickers
/// list these, and store the `key`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EthnicGroup {
    /// Stable ASCII key stored in records ("hmong").
    pub key: String,
    /// The General Statistics Office code, "01" to "54".
    pub gso_code: String,
    /// Vietnamese name ("Mông").
    pub name_vi: String,
}

impl From<&Ethnicity> for EthnicGroup {
    fn from(e: &Ethnicity) -> Self {
        EthnicGroup {
            key: e.key.to_owned(),
            gso_code: e.gso_code.to_owned(),
            name_vi: e.name_vi.to_owned(),
        }
    }
}

/// Every sex in the order pickers offer them (female first: most people she records are
/// women).
pub fn sexes() -> Vec<Sex> {
    vec![Sex::Female, Sex::Male, Sex::Unknown]
}

/// Every age group, youngest first.
pub fn age_groups() -> Vec<AgeGroup> {
    vec![
        AgeGroup::Child,
        AgeGroup::Youth,
        AgeGroup::Adult,
        AgeGroup::Elder,
    ]
}

/// Every kind of gathering in the order pickers offer them.
pub fn gathering_kinds() -> Vec<GatheringKind> {
    vec![
        GatheringKind::PolicyDialogue,
        GatheringKind::CommunicationSession,
        GatheringKind::Training,
        GatheringKind::ClubMeeting,
        GatheringKind::Other,
    ]
}

/// Vietnam's 54 ethnic groups in GSO code order, for the apps' pickers.
pub fn ethnic_groups() -> Vec<EthnicGroup> {
    ETHNICITIES.iter().map(EthnicGroup::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_54_groups_with_unique_keys_and_codes_in_order() {
        assert_eq!(ETHNICITIES.len(), 54);
        let keys: HashSet<_> = ETHNICITIES.iter().map(|e| e.key).collect();
        assert_eq!(keys.len(), 54);
        for (i, e) in ETHNICITIES.iter().enumerate() {
            assert_eq!(e.gso_code, format!("{:02}", i + 1));
        }
        assert_eq!(ethnicity("08").map(|e| e.key), Some("hmong"));
        assert_eq!(ethnicity("dao").map(|e| e.name_vi), Some("Dao"));
        assert!(ethnicity("martian").is_none());
    }

    #[test]
    fn exported_ethnic_groups_mirror_the_table() {
        let groups = ethnic_groups();
        assert_eq!(groups.len(), ETHNICITIES.len());
        for (g, e) in groups.iter().zip(ETHNICITIES) {
            assert_eq!(
                (g.key.as_str(), g.gso_code.as_str(), g.name_vi.as_str()),
                (e.key, e.gso_code, e.name_vi)
            );
        }
        let hmong = groups.iter().find(|g| g.key == "hmong");
        assert_eq!(
            hmong.map(|g| (g.gso_code.as_str(), g.name_vi.as_str())),
            Some(("08", "Mông"))
        );
    }

    #[test]
    fn the_closed_lists_hold_every_value_once() {
        let sexes = sexes();
        let unique: HashSet<_> = sexes.iter().collect();
        assert_eq!((sexes.len(), unique.len()), (3, 3));
        assert_eq!(sexes.first(), Some(&Sex::Female));
        let ages = age_groups();
        assert_eq!(ages.len(), 4);
        assert!(ages.windows(2).all(|w| w[0] < w[1]), "youngest first");
        let kinds = gathering_kinds();
        let unique: HashSet<_> = kinds.iter().collect();
        assert_eq!((kinds.len(), unique.len()), (5, 5));
        assert_eq!(kinds.first(), Some(&GatheringKind::PolicyDialogue));
    }

    #[test]
    fn age_groups_have_the_documented_bounds() {
        assert_eq!(AgeGroup::from_birth_year(2011, 2026), Some(AgeGroup::Child));
        assert_eq!(AgeGroup::from_birth_year(2010, 2026), Some(AgeGroup::Youth));
        assert_eq!(AgeGroup::from_birth_year(1996, 2026), Some(AgeGroup::Youth));
        assert_eq!(AgeGroup::from_birth_year(1995, 2026), Some(AgeGroup::Adult));
        assert_eq!(AgeGroup::from_birth_year(1967, 2026), Some(AgeGroup::Adult));
        assert_eq!(AgeGroup::from_birth_year(1966, 2026), Some(AgeGroup::Elder));
        assert_eq!(AgeGroup::from_birth_year(2030, 2026), None);
    }
}
