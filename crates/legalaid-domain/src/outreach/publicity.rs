//! Publicity (宣传, LAL art 10): activities of the units at the venues of
//! 法律八进 (the venue list is data, quality-supervision-outreach.md §6.1), what
//! they reached (人次), what they handed out (份) and the consultations taken on
//! the spot; and media items, which the MoJ table 一 counts (cols 24–26:
//! 电台电视台播出次数, 报纸杂志刊登篇数, 互联网与新媒体刊登数).

use crate::validation::Validation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// The form of an activity.
    ActivityForm {
        Lecture => ("lecture", "法治讲座"),
        OnSite => ("on_site", "现场咨询"),
        Materials => ("materials", "发放宣传资料"),
        CampaignDay => ("campaign_day", "集中宣传日"),
        Performance => ("performance", "文艺演出"),
        Other => ("other", "其他"),
    }
);

code_enum!(
    /// A media item's kind (MoJ table 一 cols 24–26).
    MediaKind {
        Broadcast => ("broadcast", "电台电视台播出"),
        Print => ("print", "报纸杂志刊登"),
        Internet => ("internet", "互联网与新媒体刊登"),
    }
);

/// A venue of 法律八进 as stored (data with dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Venue {
    pub code: String,
    pub label: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl Venue {
    /// Whether the venue is in the list on `day`.
    pub fn in_use(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|t| day < t)
    }
}

/// An activity as a form or the API gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub held_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = ActivityForm))]
    pub form: String,
    /// A venue code in the list on the day (`GET /api/v1/publicity/venues`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, min_length = 1))]
    pub venue: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub place: String,
    /// The staff who took part, by name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub staff: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub people_reached: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub materials: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

/// A validated activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub held_on: NaiveDate,
    pub title: String,
    pub form: ActivityForm,
    pub venue: String,
    pub place: String,
    pub staff: String,
    pub people_reached: i32,
    pub materials: i32,
    pub note: String,
}

fn count(v: &mut Validation, field: &str, value: Option<i64>, label: &str) -> i32 {
    match value {
        None => 0,
        Some(n) if (0..=1_000_000).contains(&n) => i32::try_from(n).unwrap_or(0),
        Some(_) => {
            v.add(field, format!("{label}应在0至1000000之间"));
            0
        }
    }
}

impl ActivityInput {
    /// Checks the input against the venues; `today` is the local date (an
    /// activity is recorded once held).
    pub fn validate(
        &self,
        venues: &[Venue],
        today: NaiveDate,
    ) -> Result<Activity, Vec<crate::FieldError>> {
        let mut v = Validation::new();
        match self.held_on {
            None => v.add("held_on", "请填写活动日期"),
            Some(d) if d > today => v.add("held_on", "活动尚未举办，不能登记"),
            _ => {}
        }
        let title = v.text("title", &self.title, "活动名称", 100);
        let form = ActivityForm::parse(self.form.trim());
        if form.is_none() {
            v.add("form", "请选择活动形式");
        }
        let venue = self.venue.trim().to_owned();
        let day = self.held_on.unwrap_or(today);
        if venue.is_empty() {
            v.add("venue", "请选择宣传对象（法律八进）");
        } else if !venues.iter().any(|x| x.code == venue && x.in_use(day)) {
            v.add("venue", "宣传对象不在当日使用的“法律八进”目录中");
        }
        let place = v.text("place", &self.place, "活动地点", 200);
        let staff = v.optional_text("staff", &self.staff, "参加人员", 200);
        let people_reached = count(&mut v, "people_reached", self.people_reached, "受众人次");
        let materials = count(&mut v, "materials", self.materials, "发放资料份数");
        let note = v.optional_text("note", &self.note, "备注", 2000);
        match (self.held_on, form) {
            (Some(held_on), Some(form)) => v.finish(Activity {
                held_on,
                title,
                form,
                venue,
                place,
                staff,
                people_reached,
                materials,
                note,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

/// A media item as a form or the API gives it, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = MediaKind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub published_on: Option<NaiveDate>,
    /// The station, paper or account.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 100, pattern = r"\S")
    )]
    pub outlet: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub url: String,
    /// The activity it reports, if any.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub activity_id: Option<i64>,
}

/// A validated media item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub kind: MediaKind,
    pub published_on: NaiveDate,
    pub outlet: String,
    pub title: String,
    pub url: String,
    pub activity_id: Option<i64>,
}

impl MediaInput {
    pub fn validate(&self, today: NaiveDate) -> Result<Media, Vec<crate::FieldError>> {
        let mut v = Validation::new();
        let kind = MediaKind::parse(self.kind.trim());
        if kind.is_none() {
            v.add(
                "kind",
                "请选择媒体类别（电台电视台、报纸杂志、互联网与新媒体）",
            );
        }
        match self.published_on {
            None => v.add("published_on", "请填写刊播日期"),
            Some(d) if d > today => v.add("published_on", "尚未刊播，不能登记"),
            _ => {}
        }
        let outlet = v.text("outlet", &self.outlet, "媒体名称", 100);
        let title = v.text("title", &self.title, "标题", 200);
        let url = v.optional_text("url", &self.url, "网址", 500);
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            v.add("url", "网址应以 http:// 或 https:// 开头");
        }
        if self.activity_id.is_some_and(|a| a < 1) {
            v.add("activity_id", "宣传活动编号不正确");
        }
        match (kind, self.published_on) {
            (Some(kind), Some(published_on)) => v.finish(Media {
                kind,
                published_on,
                outlet,
                title,
                url,
                activity_id: self.activity_id,
            }),
            _ => Err(v.errors().to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::d;

    fn venues() -> Vec<Venue> {
        vec![
            Venue {
                code: "villages".into(),
                label: "进乡村".into(),
                effective_from: d("2016-01-01"),
                effective_to: None,
            },
            Venue {
                code: "religious".into(),
                label: "进宗教场所".into(),
                effective_from: d("2016-01-01"),
                effective_to: Some(d("2025-01-01")),
            },
        ]
    }

    fn input() -> ActivityInput {
        ActivityInput {
            held_on: Some(d("2026-03-15")),
            title: "3·15法律援助进乡村".into(),
            form: "on_site".into(),
            venue: "villages".into(),
            place: "三元镇集市".into(),
            people_reached: Some(300),
            materials: Some(500),
            ..ActivityInput::default()
        }
    }

    #[test]
    fn an_activity_at_a_venue_in_use() {
        let a = input().validate(&venues(), d("2026-03-15")).expect("valid");
        assert_eq!((a.people_reached, a.materials), (300, 500));
        let mut i = input();
        i.venue = "religious".into();
        assert_eq!(
            i.validate(&venues(), d("2026-03-15")).expect_err("ended")[0].field,
            "venue"
        );
        i.held_on = Some(d("2024-06-01"));
        assert!(
            i.validate(&venues(), d("2026-03-15")).is_ok(),
            "in use then"
        );
    }

    #[test]
    fn every_problem_is_named() {
        let i = ActivityInput {
            held_on: Some(d("2026-04-01")),
            form: "party".into(),
            people_reached: Some(-3),
            ..ActivityInput::default()
        };
        let e = i.validate(&venues(), d("2026-03-15")).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "held_on",
                "title",
                "form",
                "venue",
                "place",
                "people_reached"
            ]
        );
    }

    #[test]
    fn media_items() {
        let m = MediaInput {
            kind: "internet".into(),
            published_on: Some(d("2026-03-16")),
            outlet: "叶集司法微信公众号".into(),
            title: "法律援助进乡村".into(),
            url: "https://example.org/a".into(),
            activity_id: Some(1),
        };
        assert_eq!(
            m.validate(d("2026-03-16")).expect("valid").kind,
            MediaKind::Internet
        );
        let mut bad = m.clone();
        bad.url = "javascript:alert(1)".into();
        bad.kind = "tv".into();
        let e = bad.validate(d("2026-03-16")).expect_err("invalid");
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["kind", "url"]);
    }
}
