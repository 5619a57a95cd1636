//! The fields a record can carry: their English ids, Chinese headers, units and types.
//!
//! One registry serves the policy files (rules name fields by id), the roster readers
//! (headers in English or Chinese), the linter (units) and the reports.

use std::fmt;

use serde::Serialize;

/// What a field measures; the linter refuses rules that mix these wrongly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Unit {
    /// 户
    Households,
    /// 人
    Persons,
    /// 平方米
    SquareMetres,
    /// 平方公里
    SquareKilometres,
    /// 元 (money; computed amounts are kept in fen)
    Yuan,
    /// a share, written 60% or 0.6
    Percent,
    /// 个, 次 and other plain counts of things
    Count,
    /// 年
    Years,
    /// yes / no
    Flag,
    /// one of a fixed set of words
    Category,
    /// free text, carried through
    Text,
}

impl Unit {
    /// Policy-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Households => "households",
            Unit::Persons => "persons",
            Unit::SquareMetres => "m2",
            Unit::SquareKilometres => "km2",
            Unit::Yuan => "yuan",
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Years => "years",
            Unit::Flag => "flag",
            Unit::Category => "category",
            Unit::Text => "text",
        }
    }

    /// What the unit is called in Chinese, in messages (`户`, `平方米`, `“是/否”`, `类别`).
    pub fn label_zh(self) -> &'static str {
        match self {
            Unit::Households => "户",
            Unit::Persons => "人",
            Unit::SquareMetres => "平方米",
            Unit::SquareKilometres => "平方公里",
            Unit::Yuan => "元",
            Unit::Percent => "百分比",
            Unit::Count => "个",
            Unit::Years => "年",
            Unit::Flag => "“是/否”",
            Unit::Category => "类别",
            Unit::Text => "文本",
        }
    }

    /// Parses the policy-file spelling.
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "households" => Unit::Households,
            "persons" => Unit::Persons,
            "m2" => Unit::SquareMetres,
            "km2" => Unit::SquareKilometres,
            "yuan" => Unit::Yuan,
            "percent" => Unit::Percent,
            "count" => Unit::Count,
            "years" => Unit::Years,
            _ => return None,
        })
    }

    /// Numeric units a rule may declare.
    pub const NUMERIC: &'static [&'static str] = &[
        "households",
        "persons",
        "m2",
        "km2",
        "yuan",
        "percent",
        "count",
        "years",
    ];

    /// True for units that carry numbers.
    pub fn is_numeric(self) -> bool {
        !matches!(self, Unit::Flag | Unit::Category | Unit::Text)
    }

    /// The unit's symbol in a language.
    pub fn symbol(self, lang: crate::Lang) -> &'static str {
        use crate::Lang::{En, Zh};
        match (self, lang) {
            (Unit::Households, Zh) => "户",
            (Unit::Households, En) => "households",
            (Unit::Persons, Zh) => "人",
            (Unit::Persons, En) => "persons",
            (Unit::SquareMetres, _) => "m²",
            (Unit::SquareKilometres, _) => "km²",
            (Unit::Yuan, Zh) => "元",
            (Unit::Yuan, En) => "yuan",
            (Unit::Percent, _) => "%",
            (Unit::Count, Zh) => "个",
            (Unit::Count, En) => "",
            (Unit::Years, Zh) => "年",
            (Unit::Years, En) => "years",
            (Unit::Flag | Unit::Category | Unit::Text, _) => "",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a record describes. Rules name the subject they judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Subject {
    /// A community (社区): the default.
    Community,
    /// A new residential area (新建住宅区) that may become a community.
    NewArea,
    /// A meeting (会议): attendance and votes.
    Meeting,
    /// A town or subdistrict (镇/街道), for rules about them rather than communities.
    Town,
    /// A whole roster of communities (aggregate rules).
    Roster,
}

impl Subject {
    /// Policy-file spelling.
    pub fn name(self) -> &'static str {
        match self {
            Subject::Community => "community",
            Subject::NewArea => "new_area",
            Subject::Meeting => "meeting",
            Subject::Town => "town",
            Subject::Roster => "roster",
        }
    }

    /// Parses the policy-file or roster spelling (English or Chinese).
    pub fn parse(s: &str) -> Option<Subject> {
        Some(match s.trim() {
            "community" | "社区" => Subject::Community,
            "new_area" | "新建住宅区" | "住宅区" => Subject::NewArea,
            "meeting" | "会议" => Subject::Meeting,
            "town" | "镇街" | "镇(街道)" | "街道" | "镇" => Subject::Town,
            "roster" => Subject::Roster,
            _ => return None,
        })
    }
}

/// A field's index in [`FIELDS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub u16);

impl FieldId {
    /// The field's definition.
    pub fn def(self) -> &'static FieldDef {
        // ids are only made from positions in FIELDS
        FIELDS.get(usize::from(self.0)).unwrap_or(&UNKNOWN_FIELD)
    }

    /// The field's English id.
    pub fn name(self) -> &'static str {
        self.def().id
    }

    /// Position in a record.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl Serialize for FieldId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for FieldId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FieldId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = FIELDS.iter().map(|f| f.id).collect();
        schemars::json_schema!({
            "description": "A field's English id (`shequ fields` lists them with their Chinese headers)",
            "type": "string",
            "enum": ids
        })
    }
}

impl<'de> serde::Deserialize<'de> for FieldId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        by_id(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a field")))
    }
}

/// A field's definition.
#[derive(Debug)]
pub struct FieldDef {
    /// English id, used in policy files, JSON and English CSV headers.
    pub id: &'static str,
    /// The usual Chinese header.
    pub zh: &'static str,
    /// A short English label for reports.
    pub en: &'static str,
    /// Other Chinese headers accepted for it.
    pub aliases: &'static [&'static str],
    /// What it measures.
    pub unit: Unit,
    /// True when only whole values make sense (people, households, things).
    pub whole: bool,
    /// For categories: the accepted values (English id, Chinese words).
    pub values: &'static [(&'static str, &'static [&'static str])],
}

macro_rules! f {
    ($id:literal, $zh:literal, $en:literal, [$($a:literal),*], $unit:ident, $whole:literal) => {
        FieldDef { id: $id, zh: $zh, en: $en, aliases: &[$($a),*], unit: Unit::$unit, whole: $whole, values: &[] }
    };
    ($id:literal, $zh:literal, $en:literal, [$($a:literal),*], Category, values = $vals:expr) => {
        FieldDef { id: $id, zh: $zh, en: $en, aliases: &[$($a),*], unit: Unit::Category, whole: false, values: $vals }
    };
}

/// Every field shequ knows. Columns with other headers pass through untouched, unless
/// they look like a misspelling of one of these.
pub static FIELDS: &[FieldDef] = &[
    f!(
        "name",
        "社区名称",
        "name",
        ["名称", "社区", "名字"],
        Text,
        false
    ),
    f!(
        "county",
        "区县",
        "county/district",
        ["县区", "县(区)", "区(县)", "所属区县", "区縣"],
        Text,
        false
    ),
    f!(
        "subject",
        "对象类型",
        "record type",
        ["记录类型"],
        Category,
        values = &[
            ("community", &["社区"]),
            ("new_area", &["新建住宅区", "住宅区"]),
            ("meeting", &["会议"]),
            ("town", &["镇街", "镇(街道)", "街道", "镇"])
        ]
    ),
    f!(
        "kind",
        "社区类型",
        "community kind",
        ["类型", "城乡类型"],
        Category,
        values = &[
            ("urban", &["城市", "城镇", "城市社区", "城镇社区", "城区"]),
            ("rural", &["农村", "农村社区"]),
            ("village_converted", &["撤村建居", "撤村建居社区"]),
            ("non_urban", &["非城区", "非城区社区"])
        ]
    ),
    f!(
        "households",
        "户数",
        "households",
        ["居民户数", "管辖户数", "戶數"],
        Households,
        true
    ),
    f!(
        "residents",
        "常住人口",
        "residents",
        ["居民人数", "人口", "常住人口数", "居民人口"],
        Persons,
        true
    ),
    f!(
        "registered_residents",
        "户籍人口",
        "registered residents",
        ["户籍人口数", "戶籍人口"],
        Persons,
        true
    ),
    f!(
        "service_space",
        "社区服务用房面积",
        "service space",
        [
            "综合服务设施面积",
            "社区综合服务设施面积",
            "服务站用房面积",
            "社区服务站用房面积",
            "服务设施面积",
            "服务用房面积"
        ],
        SquareMetres,
        false
    ),
    f!(
        "activity_space",
        "居民活动区域面积",
        "resident activity space",
        ["活动区域面积", "居民活动用房面积", "活动用房面积"],
        SquareMetres,
        false
    ),
    f!(
        "outdoor_plaza",
        "室外活动广场面积",
        "outdoor plaza",
        ["室外广场面积", "活动广场面积"],
        SquareMetres,
        false
    ),
    f!(
        "is_new",
        "新建社区",
        "new community",
        ["是否新建"],
        Flag,
        false
    ),
    f!(
        "workers",
        "社区工作者人数",
        "community workers",
        ["社区工作者", "社区工作人员"],
        Persons,
        true
    ),
    f!(
        "full_time_workers",
        "专职工作者人数",
        "full-time paid workers",
        ["专职工作者", "专职工作人员"],
        Persons,
        true
    ),
    f!(
        "party_affairs_workers",
        "专职党务工作者人数",
        "full-time party-affairs workers",
        ["专职党务工作者"],
        Persons,
        true
    ),
    f!(
        "committee_members",
        "居委会成员人数",
        "residents' committee members",
        ["居委会人数", "居委会成员数", "居委会成员"],
        Persons,
        true
    ),
    f!(
        "party_committee_members",
        "党组织班子成员人数",
        "party organisation members",
        ["党组织班子人数", "党组织成员数", "党组织班子成员"],
        Persons,
        true
    ),
    f!(
        "party_org_form",
        "党组织形式",
        "party organisation form",
        ["党组织类型"],
        Category,
        values = &[
            ("branch", &["党支部", "支部"]),
            ("general_branch", &["党总支", "总支"]),
            ("committee", &["党委"])
        ]
    ),
    f!(
        "two_committees_members",
        "两委成员人数",
        "two committees' members",
        ["两委人数", "“两委”人数", "\"两委\"人数"],
        Persons,
        true
    ),
    f!(
        "cross_appointment_share",
        "交叉任职比例",
        "cross-appointment share",
        ["交叉任职率"],
        Percent,
        false
    ),
    f!(
        "social_orgs",
        "社会组织数",
        "registered social organisations",
        ["登记备案社会组织数", "社会组织"],
        Count,
        true
    ),
    f!(
        "min_monthly_pay",
        "专职工作者最低月报酬",
        "lowest monthly pay of full-time workers",
        ["最低月报酬"],
        Yuan,
        false
    ),
    f!(
        "avg_monthly_pay",
        "专职工作者人均月报酬",
        "average monthly pay of full-time workers",
        ["人均月报酬"],
        Yuan,
        false
    ),
    f!(
        "party_members",
        "党员人数",
        "party members",
        ["党员数"],
        Persons,
        true
    ),
    f!(
        "resident_groups",
        "居民小组数",
        "residents' groups",
        ["居民小组"],
        Count,
        true
    ),
    f!(
        "building_heads",
        "楼栋长人数",
        "building heads",
        ["楼栋长"],
        Persons,
        true
    ),
    f!(
        "resident_reps",
        "居民代表人数",
        "resident representatives",
        ["居民代表"],
        Persons,
        true
    ),
    f!(
        "unit_reps",
        "成员单位代表人数",
        "member-unit representatives",
        ["社区成员单位代表"],
        Persons,
        true
    ),
    f!(
        "volunteers",
        "注册志愿者人数",
        "registered volunteers",
        ["志愿者人数", "注册志愿者"],
        Persons,
        true
    ),
    f!(
        "representatives",
        "居民代表和成员单位代表总人数",
        "representatives in all",
        ["代表总人数"],
        Persons,
        true
    ),
    f!(
        "subcommittee_reps_min",
        "下设委员会最少居民代表数",
        "fewest resident representatives on a sub-committee",
        ["下设委员会最少代表数"],
        Persons,
        true
    ),
    f!(
        "subcommittee_reps_max",
        "下设委员会最多居民代表数",
        "most resident representatives on a sub-committee",
        ["下设委员会最多代表数"],
        Persons,
        true
    ),
    f!(
        "leased_premises",
        "服务站用房是否租赁",
        "service premises leased",
        ["租赁用房"],
        Flag,
        false
    ),
    f!(
        "deputy_secretaries",
        "党组织副书记人数",
        "deputy party secretaries",
        ["副书记人数"],
        Persons,
        true
    ),
    f!(
        "lease_years",
        "租赁合同年限",
        "lease term",
        ["租赁年限"],
        Years,
        false
    ),
    f!(
        "work_funding",
        "社区工作经费",
        "community work funding paid",
        ["工作经费"],
        Yuan,
        false
    ),
    f!(
        "service_funding",
        "服务群众专项经费",
        "special service funding paid",
        ["专项经费"],
        Yuan,
        false
    ),
    f!(
        "total_floor_area",
        "总建筑面积",
        "total floor area",
        ["小区总建筑面积"],
        SquareMetres,
        false
    ),
    f!(
        "property_service_area",
        "物业服务用房面积",
        "property-service room area",
        ["物业用房面积"],
        SquareMetres,
        false
    ),
    f!(
        "commercial_service_space",
        "商业和综合服务设施面积",
        "commercial and service facility area",
        ["配套商业服务设施面积"],
        SquareMetres,
        false
    ),
    f!(
        "office_space",
        "社区干部办公用房面积",
        "cadres' office space",
        ["办公用房面积"],
        SquareMetres,
        false
    ),
    f!(
        "party_service_center_area",
        "党群服务中心面积",
        "party-and-people service centre area",
        ["社区党群服务中心面积"],
        SquareMetres,
        false
    ),
    f!(
        "compounds",
        "小区数",
        "residential compounds",
        ["居民小区数"],
        Count,
        true
    ),
    f!(
        "culture_teams",
        "文体队伍数",
        "culture and sports teams",
        ["文艺队伍数"],
        Count,
        true
    ),
    f!(
        "purchased_projects",
        "购买服务项目数",
        "service projects purchased this year",
        ["年度购买服务项目数"],
        Count,
        true
    ),
    f!(
        "largest_project_amount",
        "单个购买服务项目最高金额",
        "largest purchased project",
        ["购买服务项目最高金额"],
        Yuan,
        false
    ),
    f!(
        "secretaries",
        "党组织书记人数",
        "party secretaries",
        ["书记人数"],
        Persons,
        true
    ),
    f!(
        "deputy_directors",
        "居委会副主任人数",
        "deputy directors of the residents' committee",
        ["副主任人数"],
        Persons,
        true
    ),
    f!(
        "full_time_committee_members",
        "专职委员人数",
        "full-time committee members",
        ["专职委员"],
        Persons,
        true
    ),
    f!(
        "floating_households",
        "流动人口户数",
        "floating households",
        ["流动户数"],
        Households,
        true
    ),
    f!(
        "floating_residents",
        "流动人口",
        "floating population",
        ["流动人口数", "流动人数"],
        Persons,
        true
    ),
    f!(
        "area_km2",
        "辖区面积",
        "area",
        ["管辖面积"],
        SquareKilometres,
        false
    ),
    f!(
        "institutions",
        "事业单位数",
        "public institutions",
        ["事业单位"],
        Count,
        true
    ),
    f!(
        "shops",
        "商业网点数",
        "shops and businesses",
        ["商业网点", "企业、商业网点"],
        Count,
        true
    ),
    f!(
        "villager_groups",
        "村民小组数",
        "villagers' groups",
        ["村民小组"],
        Count,
        true
    ),
    f!(
        "young_workers",
        "45周岁以下社工人数",
        "social workers aged 45 or under",
        ["45岁以下社工人数"],
        Persons,
        true
    ),
    f!(
        "young_certified",
        "45周岁以下持证社工人数",
        "certified social workers aged 45 or under",
        ["45岁以下持证社工人数"],
        Persons,
        true
    ),
    f!(
        "worker_annual_income",
        "社工人均年收入",
        "average annual income of social workers",
        ["社工年收入"],
        Yuan,
        false
    ),
    f!(
        "local_average_wage",
        "城镇职工上年度平均工资",
        "last year's average urban wage",
        ["上年度城镇职工平均工资"],
        Yuan,
        false
    ),
    f!(
        "service_center_built",
        "社区服务中心已建成",
        "community service centre built",
        ["服务中心建成"],
        Flag,
        false
    ),
    f!(
        "high_standard",
        "高标准和谐社区",
        "high-standard harmonious community",
        ["高标准和谐社区创建"],
        Flag,
        false
    ),
    f!(
        "grid_managed",
        "推行网格化管理",
        "grid management in place",
        ["网格化管理"],
        Flag,
        false
    ),
    f!(
        "model_site",
        "党建工作示范点",
        "party-building model site",
        ["党建示范点"],
        Flag,
        false
    ),
    f!(
        "civic_meetings",
        "年度市民议事活动次数",
        "civic deliberation meetings this year",
        ["市民议事活动次数"],
        Count,
        true
    ),
    f!(
        "adult_residents",
        "年满18周岁居民人数",
        "adult residents",
        ["成年居民人数"],
        Persons,
        true
    ),
    f!(
        "proposing_adults",
        "提议居民人数",
        "adult residents proposing",
        ["提议人数"],
        Persons,
        true
    ),
    f!(
        "proposing_households",
        "提议户数",
        "households proposing",
        ["提议居民户数"],
        Households,
        true
    ),
    f!(
        "proposing_groups",
        "提议居民小组数",
        "residents' groups proposing",
        ["提议小组数"],
        Count,
        true
    ),
    f!(
        "proposing_adults_share",
        "提议居民比例",
        "share of adult residents proposing",
        [],
        Percent,
        false
    ),
    f!(
        "proposing_households_share",
        "提议户比例",
        "share of households proposing",
        [],
        Percent,
        false
    ),
    f!(
        "proposing_groups_share",
        "提议居民小组比例",
        "share of residents' groups proposing",
        [],
        Percent,
        false
    ),
    f!(
        "convened",
        "是否召集会议",
        "meeting convened",
        ["已召集"],
        Category,
        values = &[
            ("convened", &["已召集", "召集"]),
            ("not_convened", &["未召集", "不召集"])
        ]
    ),
    f!(
        "demonstration_community",
        "撤村建居社区示范样板",
        "village-converted demonstration community",
        ["示范样板社区"],
        Flag,
        false
    ),
    f!(
        "from_community",
        "迁出社区",
        "moved from (community)",
        ["划出社区"],
        Text,
        false
    ),
    f!(
        "to_community",
        "迁入社区",
        "moved to (community)",
        ["划入社区"],
        Text,
        false
    ),
    f!(
        "designed_households",
        "设计户数",
        "designed households",
        ["规划户数", "住宅区总户数"],
        Households,
        true
    ),
    f!(
        "occupied_households",
        "入住户数",
        "occupied households",
        ["已入住户数"],
        Households,
        true
    ),
    f!(
        "occupancy",
        "入住率",
        "occupancy",
        ["居民入住率"],
        Percent,
        false
    ),
    f!(
        "arrangement",
        "管理安排",
        "arrangement",
        ["组织安排"],
        Category,
        values = &[
            (
                "residents_committee",
                &["成立社区居民委员会", "成立居委会", "居委会"]
            ),
            ("residents_group", &["成立居民小组", "居民小组"]),
            (
                "join_neighbour",
                &["纳入邻近社区", "纳入邻近社区居民委员会管理"]
            ),
            ("community", &["设置社区", "设立社区"]),
            ("none", &["无"])
        ]
    ),
    f!(
        "meeting_type",
        "会议类型",
        "meeting type",
        ["会议"],
        Category,
        values = &[
            ("residents_meeting", &["居民会议"]),
            ("representatives_meeting", &["居民代表会议"]),
            (
                "consultation_meeting",
                &["社区协商议事会议", "协商议事会议"]
            ),
            ("hearing", &["听证会", "社区社会事务听证会"])
        ]
    ),
    f!(
        "entitled",
        "应到人数",
        "entitled to attend",
        ["应到"],
        Persons,
        true
    ),
    f!(
        "present",
        "出席人数",
        "present",
        ["实到人数", "出席"],
        Persons,
        true
    ),
    f!(
        "in_favour",
        "赞成人数",
        "in favour",
        ["同意人数", "赞成"],
        Persons,
        true
    ),
];

static UNKNOWN_FIELD: FieldDef = FieldDef {
    id: "unknown",
    zh: "未知",
    en: "unknown",
    aliases: &[],
    unit: Unit::Text,
    whole: false,
    values: &[],
};

/// Fields the engine itself needs, looked up once.
#[derive(Debug)]
pub struct Known {
    pub name: FieldId,
    pub subject: FieldId,
    pub kind: FieldId,
    pub occupancy: FieldId,
    /// Fields computed from others when not given: (field, how).
    pub derivations: Vec<(FieldId, Derivation)>,
    /// `derivable[i]`: whether field `i` has a derivation.
    pub derivable: Vec<bool>,
}

/// How a field is computed from two others when it is not given.
#[derive(Clone, Copy, Debug)]
pub enum Derivation {
    /// `a / b` (a share), undefined when `b` is zero.
    Ratio(FieldId, FieldId),
    /// `a + b`.
    Sum(FieldId, FieldId),
}

/// The engine's well-known fields.
pub fn known() -> &'static Known {
    static KNOWN: std::sync::OnceLock<Known> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| {
        let id = |n: &str| by_id(n).unwrap_or(FieldId(0));
        let derivations = vec![
            (
                id("occupancy"),
                Derivation::Ratio(id("occupied_households"), id("designed_households")),
            ),
            (
                id("representatives"),
                Derivation::Sum(id("resident_reps"), id("unit_reps")),
            ),
            (
                id("proposing_adults_share"),
                Derivation::Ratio(id("proposing_adults"), id("adult_residents")),
            ),
            (
                id("proposing_households_share"),
                Derivation::Ratio(id("proposing_households"), id("households")),
            ),
            (
                id("proposing_groups_share"),
                Derivation::Ratio(id("proposing_groups"), id("resident_groups")),
            ),
        ];
        let mut derivable = vec![false; FIELDS.len()];
        for (f, _) in &derivations {
            if let Some(d) = derivable.get_mut(f.index()) {
                *d = true;
            }
        }
        Known {
            name: id("name"),
            subject: id("subject"),
            kind: id("kind"),
            occupancy: id("occupancy"),
            derivations,
            derivable,
        }
    })
}

/// A field as the surfaces list it (`shequ fields`, Python's `fields()`, the browser's
/// form builder).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldInfo {
    /// English id.
    pub id: &'static str,
    /// The usual Chinese header.
    pub zh: &'static str,
    /// A short English label.
    pub en: &'static str,
    /// Other headers accepted for it.
    pub aliases: &'static [&'static str],
    pub unit: Unit,
    /// The unit's name in policy files (`households`, `m2` …).
    pub unit_name: &'static str,
    /// Only whole values make sense.
    pub whole: bool,
    /// For categories: each value's id and Chinese words.
    pub values: Vec<FieldValue>,
}

/// One value of a category field.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FieldValue {
    pub id: &'static str,
    pub zh: &'static [&'static str],
}

/// Every field, in catalogue order.
pub fn catalogue() -> Vec<FieldInfo> {
    FIELDS
        .iter()
        .map(|f| FieldInfo {
            id: f.id,
            zh: f.zh,
            en: f.en,
            aliases: f.aliases,
            unit: f.unit,
            unit_name: f.unit.name(),
            whole: f.whole,
            values: f
                .values
                .iter()
                .map(|(id, zh)| FieldValue { id, zh })
                .collect(),
        })
        .collect()
}

/// Number of fields; records are arrays of this length.
pub fn field_count() -> usize {
    FIELDS.len()
}

/// Looks a field up by English id, Chinese header or alias (exact, after trimming and
/// removing a unit suffix in brackets such as `(m²)` or `（户）`).
pub fn lookup(header: &str) -> Option<FieldId> {
    match resolve_header(header) {
        Header::Field { field, .. } => Some(field),
        _ => None,
    }
}

fn exact(h: &str) -> Option<FieldId> {
    FIELDS
        .iter()
        .position(|f| f.id == h || f.zh == h || f.aliases.contains(&h))
        .and_then(|i| u16::try_from(i).ok())
        .map(FieldId)
}

/// What a column header means.
#[derive(Clone, Debug)]
pub enum Header {
    /// A field, possibly with a unit suffix; `percent_points` when a share column is
    /// headed `(%)`, so that `70` means 70 %.
    Field {
        field: FieldId,
        percent_points: bool,
    },
    /// A field's name with a unit in brackets that is not the field's unit
    /// (`户数(万户)`): refusing it beats silently misreading it.
    WrongUnit { field: FieldId, unit: String },
    /// A header that could mean more than one field: never read as one of them.
    Ambiguous(&'static crate::headers::Ambiguous),
    /// Not a field.
    Other,
}

/// The unit words accepted in a header's bracket for each unit.
pub fn unit_words(u: Unit) -> &'static [&'static str] {
    match u {
        Unit::Households => &["户", "households"],
        Unit::Persons => &["人", "名", "persons", "people"],
        Unit::SquareMetres => &["m²", "m2", "㎡", "平方米", "平米", "sqm"],
        Unit::SquareKilometres => &["km²", "km2", "平方公里"],
        Unit::Yuan => &["元", "yuan", "CNY", "RMB", "人民币元"],
        Unit::Percent => &["%", "％"],
        Unit::Count => &["个", "次", "家", "支", "项"],
        Unit::Years => &["年", "years"],
        Unit::Flag | Unit::Category | Unit::Text => &[],
    }
}

/// Resolves a header: a field id, a Chinese header, an alias or a synonym
/// ([`crate::headers`]), optionally followed by a unit in brackets (`户数(户)`,
/// `面积（㎡）`, `交叉任职比例(%)`), after normalising spaces and full-width characters.
pub fn resolve_header(header: &str) -> Header {
    let h = header.trim();
    if let Some(f) = exact(h) {
        return Header::Field {
            field: f,
            percent_points: false,
        };
    }
    let norm = crate::headers::normalize(h);
    let n: &str = &norm;
    if let Some(f) = named(n) {
        return Header::Field {
            field: f,
            percent_points: false,
        };
    }
    if let Some(a) = crate::headers::ambiguous(n) {
        return Header::Ambiguous(a);
    }
    if let Some((base, unit)) = split_unit_suffix(n) {
        if let Some(f) = named(base) {
            let u = f.def().unit;
            if unit_words(u).iter().any(|w| w.eq_ignore_ascii_case(unit)) {
                return Header::Field {
                    field: f,
                    percent_points: u == Unit::Percent,
                };
            }
            return Header::WrongUnit {
                field: f,
                unit: unit.to_string(),
            };
        }
        if let Some(a) = crate::headers::ambiguous(base) {
            return Header::Ambiguous(a);
        }
    }
    Header::Other
}

/// A field by its id, header, alias or synonym (the header normalised).
fn named(h: &str) -> Option<FieldId> {
    exact(h).or_else(|| crate::headers::synonym(h).and_then(|s| by_id(s.field)))
}

/// Looks a field up by English id only (policy files).
pub fn by_id(id: &str) -> Option<FieldId> {
    FIELDS
        .iter()
        .position(|f| f.id == id)
        .and_then(|i| u16::try_from(i).ok())
        .map(FieldId)
}

/// `户数(户)` → (`户数`, `户`).
fn split_unit_suffix(h: &str) -> Option<(&str, &str)> {
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        if let Some(stripped) = h.strip_suffix(close) {
            if let Some(pos) = stripped.rfind(open) {
                if pos > 0 {
                    let inner = stripped.get(pos + open.len_utf8()..)?.trim();
                    return Some((stripped.get(..pos)?.trim_end(), inner));
                }
            }
        }
    }
    None
}

fn strip_unit_suffix(h: &str) -> &str {
    split_unit_suffix(h).map_or(h, |(b, _)| b)
}

/// The closest known field name to a header that matched nothing, when it is close enough
/// to be a likely misspelling.
pub fn suggest(header: &str) -> Option<&'static str> {
    let norm = crate::headers::normalize(header);
    let h = strip_unit_suffix(&norm);
    let hl = h.to_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for f in FIELDS {
        for cand in std::iter::once(f.id)
            .chain(std::iter::once(f.zh))
            .chain(f.aliases.iter().copied())
        {
            let d = edit_distance(&hl, &cand.to_lowercase());
            let len = cand.chars().count().max(h.chars().count());
            // ASCII ids: allow 1 edit up to 5 chars, 2 up to 10, 3 beyond.
            // Chinese headers are short and dense: allow 1 edit from 3 characters.
            let ascii = cand.is_ascii();
            let limit = if ascii {
                match len {
                    0..=3 => 0,
                    4..=5 => 1,
                    6..=10 => 2,
                    _ => 3,
                }
            } else if len >= 3 {
                1
            } else {
                0
            };
            if d > 0 && d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, f.id));
            }
        }
    }
    best.map(|(_, id)| id)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// Parses a category value (English id or Chinese word) for a field; returns its index.
pub fn category_index(field: FieldId, value: &str) -> Option<u8> {
    let v = value.trim();
    field
        .def()
        .values
        .iter()
        .position(|(id, zh)| *id == v || zh.contains(&v))
        .and_then(|i| u8::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        assert_eq!(lookup("户数"), by_id("households"));
        assert_eq!(lookup("households"), by_id("households"));
        assert_eq!(lookup("常住人口"), by_id("residents"));
        assert_eq!(lookup("户籍人口"), by_id("registered_residents"));
        assert_eq!(lookup("社区服务用房面积(m²)"), by_id("service_space"));
        assert_eq!(lookup("户数（户）"), by_id("households"));
        assert_eq!(
            lookup("户数(万户)"),
            None,
            "a different unit is not the field"
        );
        assert!(matches!(
            resolve_header("户数(万户)"),
            Header::WrongUnit { unit, .. } if unit == "万户"
        ));
        assert_eq!(lookup("户  数"), by_id("households"), "spaces inside");
        assert_eq!(lookup("社工人数"), by_id("workers"), "a synonym");
        assert_eq!(
            lookup("社工人数(人)"),
            by_id("workers"),
            "a synonym with its unit"
        );
        assert!(matches!(resolve_header("工作人员"), Header::Ambiguous(_)));
        assert!(matches!(
            resolve_header("办公用房(㎡)"),
            Header::Ambiguous(_)
        ));
        assert!(matches!(
            resolve_header("交叉任职比例(%)"),
            Header::Field {
                percent_points: true,
                ..
            }
        ));
        assert!(matches!(resolve_header("备注(其他)"), Header::Other));
        assert!(lookup("备注").is_none());
    }

    #[test]
    fn misspellings_get_suggestions() {
        assert_eq!(suggest("housholds"), Some("households"));
        assert_eq!(suggest("residnets"), Some("residents"));
        assert_eq!(suggest("户籍人囗"), Some("registered_residents"));
        assert_eq!(suggest("备注"), None);
        assert_eq!(suggest("notes"), None);
    }

    #[test]
    fn ids_are_unique_and_headers_unambiguous() {
        let mut seen = std::collections::HashSet::new();
        for f in FIELDS {
            for h in std::iter::once(f.id)
                .chain(std::iter::once(f.zh))
                .chain(f.aliases.iter().copied())
            {
                assert!(seen.insert(h), "header `{h}` is used twice");
            }
        }
    }
}
