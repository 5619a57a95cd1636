//! How offices write column headers, and what shequ reads them as.
//!
//! A header is first normalised ([`normalize`]): spaces inside it (`户  数`, a header
//! wrapped over two lines in a cell) are removed, full-width letters, digits and
//! brackets become their ASCII forms (`（㎡）` → `(㎡)`), and a required-column mark
//! (`*户数`) is dropped. It is then looked up as a field's id, its Chinese header or one of
//! its aliases ([`crate::field::FIELDS`]), then in [`SYNONYMS`]: the other names offices
//! use for a field where they mean only that field, each with a note saying why. A header
//! in [`AMBIGUOUS`] could mean more than one field (or not quite the field it names):
//! it is never mapped silently, the reader refuses it with the candidates and the note,
//! and the office renames the column to what it holds.

/// A header offices use for one field, and why it can only mean that field.
#[derive(Clone, Copy, Debug)]
pub struct Synonym {
    /// The header, normalised.
    pub header: &'static str,
    /// The field's id.
    pub field: &'static str,
    pub note: &'static str,
}

/// A header that could mean more than one thing: the fields it might be, and why it is
/// not read as any of them.
#[derive(Clone, Copy, Debug)]
pub struct Ambiguous {
    /// The header, normalised.
    pub header: &'static str,
    /// The fields' ids it might mean.
    pub candidates: &'static [&'static str],
    pub note: &'static str,
    /// The note in Chinese, for messages in Chinese.
    pub note_zh: &'static str,
}

/// Headers read as a field although they are not its name or alias.
pub static SYNONYMS: &[Synonym] = &[
    Synonym {
        header: "社工人数",
        field: "workers",
        note: "社工 is how community rosters shorten 社区工作者 (community workers); the policies count them as one group",
    },
    Synonym {
        header: "社区工作者数",
        field: "workers",
        note: "the field's header without 人",
    },
    Synonym {
        header: "社区工作者总数",
        field: "workers",
        note: "总数: all community workers, which is what the field counts",
    },
    Synonym {
        header: "总户数",
        field: "households",
        note: "the community's households in all",
    },
    Synonym {
        header: "居民总户数",
        field: "households",
        note: "the community's resident households in all",
    },
    Synonym {
        header: "常住人数",
        field: "residents",
        note: "常住: the resident (not registered) population",
    },
    Synonym {
        header: "常住人口总数",
        field: "residents",
        note: "常住: the resident (not registered) population",
    },
    Synonym {
        header: "户籍人数",
        field: "registered_residents",
        note: "户籍: the registered population",
    },
    Synonym {
        header: "户籍总人口",
        field: "registered_residents",
        note: "户籍: the registered population",
    },
    Synonym {
        header: "社区名",
        field: "name",
        note: "the community's name",
    },
    Synonym {
        header: "社区名称(全称)",
        field: "name",
        note: "the community's full name",
    },
    Synonym {
        header: "党员总数",
        field: "party_members",
        note: "the party members of the community",
    },
    Synonym {
        header: "社会组织数量",
        field: "social_orgs",
        note: "数量 for 数",
    },
    Synonym {
        header: "居民小组个数",
        field: "resident_groups",
        note: "个数 for 数",
    },
    Synonym {
        header: "楼栋长数",
        field: "building_heads",
        note: "the field's header without 人",
    },
    Synonym {
        header: "社区服务用房",
        field: "service_space",
        note: "the service premises, measured by their floor area (the header's unit, when given, must be m²)",
    },
    Synonym {
        header: "服务用房",
        field: "service_space",
        note: "the community's service premises, measured by their floor area",
    },
    Synonym {
        header: "社区办公和活动用房面积",
        field: "service_space",
        note: "the 西安 measures define 社区综合服务设施 as (社区办公和活动用房): the whole service building",
    },
];

/// Headers that are never read as a field without the office saying which.
pub static AMBIGUOUS: &[Ambiguous] = &[
    Ambiguous {
        header: "工作人员",
        candidates: &["workers", "full_time_workers"],
        note: "工作人员 may be every community worker (社区工作者) or only the full-time paid ones (专职工作者), and some offices count public-welfare posts too",
        note_zh: "工作人员可能指全部社区工作者,也可能只指全职领薪的专职工作者,有的单位还把公益性岗位算在内",
    },
    Ambiguous {
        header: "工作人员数",
        candidates: &["workers", "full_time_workers"],
        note: "工作人员 may be every community worker (社区工作者) or only the full-time paid ones (专职工作者), and some offices count public-welfare posts too",
        note_zh: "工作人员可能指全部社区工作者,也可能只指全职领薪的专职工作者,有的单位还把公益性岗位算在内",
    },
    Ambiguous {
        header: "工作人员人数",
        candidates: &["workers", "full_time_workers"],
        note: "工作人员 may be every community worker (社区工作者) or only the full-time paid ones (专职工作者), and some offices count public-welfare posts too",
        note_zh: "工作人员可能指全部社区工作者,也可能只指全职领薪的专职工作者,有的单位还把公益性岗位算在内",
    },
    Ambiguous {
        header: "办公用房",
        candidates: &["office_space", "service_space"],
        note: "办公用房 may be the cadres' offices alone (社区干部办公用房) or the whole service building (社区服务用房): 办公用房 is not 社区服务用房",
        note_zh: "办公用房可能只指干部办公室(社区干部办公用房),也可能指整个服务用房(社区服务用房):办公用房不等于社区服务用房",
    },
    Ambiguous {
        header: "办公服务用房面积",
        candidates: &["service_space", "office_space"],
        note: "办公服务用房 may be the whole service building (社区服务用房) or the offices in it (社区干部办公用房)",
        note_zh: "办公服务用房可能指整个服务用房(社区服务用房),也可能指其中的办公室(社区干部办公用房)",
    },
    Ambiguous {
        header: "用房面积",
        candidates: &["service_space", "office_space", "property_service_area"],
        note: "用房 does not say whose rooms: the service building, the cadres' offices or the property-service rooms",
        note_zh: "用房没有说明是谁的用房:服务用房、干部办公用房还是物业服务用房",
    },
    Ambiguous {
        header: "总人口",
        candidates: &["residents", "registered_residents"],
        note: "总人口 does not say whether it is the resident (常住) or the registered (户籍) population, and the policies use both",
        note_zh: "总人口没有说明是常住人口还是户籍人口,而政策两者都用",
    },
    Ambiguous {
        header: "人口总数",
        candidates: &["residents", "registered_residents"],
        note: "人口总数 does not say whether it is the resident (常住) or the registered (户籍) population, and the policies use both",
        note_zh: "人口总数没有说明是常住人口还是户籍人口,而政策两者都用",
    },
    Ambiguous {
        header: "面积",
        candidates: &["area_km2", "service_space", "total_floor_area"],
        note: "面积 alone may be the area governed (辖区面积, km²) or a floor area",
        note_zh: "单写面积,可能指辖区面积(km²),也可能指建筑面积",
    },
    Ambiguous {
        header: "居委会委员人数",
        candidates: &["committee_members"],
        note: "委员 may leave out the director and deputy directors (主任、副主任); the field counts every member of the residents' committee",
        note_zh: "委员可能不包括主任、副主任;该字段统计的是居委会全体成员",
    },
    Ambiguous {
        header: "成员人数",
        candidates: &["committee_members", "party_committee_members", "two_committees_members"],
        note: "成员 does not say of which body: the residents' committee, the party organisation or both (两委)",
        note_zh: "成员没有说明是哪个组织的成员:居委会、党组织,还是两者(两委)",
    },
    Ambiguous {
        header: "代表人数",
        candidates: &["resident_reps", "representatives"],
        note: "代表 may be the resident representatives alone or with the member units' representatives",
        note_zh: "代表可能只指居民代表,也可能包括成员单位代表",
    },
    Ambiguous {
        header: "经费",
        candidates: &["work_funding", "service_funding"],
        note: "经费 does not say which fund: community work funding or the special service funding",
        note_zh: "经费没有说明是哪一项经费:社区工作经费还是服务群众专项经费",
    },
    Ambiguous {
        header: "月报酬",
        candidates: &["avg_monthly_pay", "min_monthly_pay"],
        note: "月报酬 does not say whether it is the average or the lowest monthly pay",
        note_zh: "月报酬没有说明是人均月报酬还是最低月报酬",
    },
];

/// A header as offices write it, normalised: inner spaces and line breaks removed,
/// full-width ASCII made ASCII, 【】 and 〔〕 made brackets, a leading or trailing `*`
/// dropped. Returns the input unchanged (borrowed) when nothing changes.
pub fn normalize(h: &str) -> std::borrow::Cow<'_, str> {
    let t = h.trim();
    let needs = t.chars().any(|c| {
        c.is_whitespace()
            || ('\u{FF01}'..='\u{FF5E}').contains(&c)
            || matches!(c, '\u{3000}' | '【' | '】' | '〔' | '〕' | '*' | '＊')
    });
    if !needs {
        return std::borrow::Cow::Borrowed(t);
    }
    let mut s: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            // （ and ） stay as they are: headers use both kinds of brackets and the unit
            // reader takes either
            '（' | '）' => c,
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '【' | '〔' => '(',
            '】' | '〕' => ')',
            _ => c,
        })
        .collect();
    let trimmed = s.trim_matches('*').to_string();
    s = trimmed;
    std::borrow::Cow::Owned(s)
}

/// The synonym a normalised header is, if any.
pub fn synonym(h: &str) -> Option<&'static Synonym> {
    SYNONYMS.iter().find(|s| s.header == h)
}

/// The ambiguity a normalised header has, if any.
pub fn ambiguous(h: &str) -> Option<&'static Ambiguous> {
    AMBIGUOUS.iter().find(|a| a.header == h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field;

    #[test]
    fn every_synonym_and_candidate_names_a_field_and_none_shadows_one() {
        for s in SYNONYMS {
            assert!(field::by_id(s.field).is_some(), "{}", s.field);
            assert_eq!(normalize(s.header), s.header);
            assert!(!s.note.is_empty());
        }
        for a in AMBIGUOUS {
            assert_eq!(normalize(a.header), a.header);
            assert!(!a.candidates.is_empty());
            assert!(crate::lang::has_cjk(a.note_zh) && a.note_zh != a.note);
            for c in a.candidates {
                assert!(field::by_id(c).is_some(), "{c}");
            }
            // an ambiguous header is not also some field's name, alias or synonym
            assert!(synonym(a.header).is_none(), "{}", a.header);
            assert!(
                field::FIELDS
                    .iter()
                    .all(|f| f.zh != a.header && !f.aliases.contains(&a.header)),
                "{} is a field's own header",
                a.header
            );
        }
        for s in SYNONYMS {
            assert!(
                field::FIELDS
                    .iter()
                    .all(|f| f.zh != s.header && !f.aliases.contains(&s.header)),
                "{} is already a field's own header",
                s.header
            );
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(normalize("户  数"), "户数");
        assert_eq!(normalize("户数\n(户)"), "户数(户)");
        assert_eq!(
            normalize("社区服务用房面积（㎡）"),
            "社区服务用房面积（㎡）"
        );
        assert_eq!(normalize("交叉任职比例（％）"), "交叉任职比例（%）");
        assert_eq!(normalize("*户数"), "户数");
        assert_eq!(normalize("ｈｏｕｓｅｈｏｌｄｓ"), "households");
        assert_eq!(normalize("户数【户】"), "户数(户)");
        assert_eq!(normalize("　常住人口　"), "常住人口");
    }
}
