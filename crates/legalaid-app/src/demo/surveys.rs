//! The demo's surveys and training (issue 11): this season's awareness and
//! satisfaction survey of the bureau, its QR codes handed out by the six
//! judicial offices and a few hundred answers (from the public through the
//! codes, and entered by the offices' clerks from phone calls), still under way
//! with targets to reach; and a year of the center's training sessions with
//! their attendance, one held two days ago waiting for the director to confirm
//! who came and one next week with lawyers enrolled. Everything through the use
//! cases, as the demo accounts, dated by the clock.

use super::applications::at;
use super::{Lcg, as_user, on};
use crate::surveys::{self, public};
use crate::{App, AppError, AppResult, Ctx, RequestMeta, training};
use chrono::Duration;
use legalaid_domain::survey::{CampaignInput, Responses, Target};
use legalaid_domain::training::SessionInput;
use legalaid_domain::unit::{Unit, UnitKind};
use legalaid_domain::{CampaignId, UnitId, local_date};

/// The judicial offices' clerks and the township of their office.
const CLERKS: &[(&str, &str)] = &[
    ("clerk", "341504001"),
    ("clerk_pinggang", "341504002"),
    ("clerk_sanyuan", "341504100"),
    ("clerk_hongji", "341504101"),
    ("clerk_yaoli", "341504102"),
    ("clerk_sungang", "341504200"),
];

pub(crate) async fn load(app: &App, units: &[Unit]) -> AppResult<()> {
    survey(app, units).await?;
    sessions(app).await
}

fn pick<'a>(rng: &mut Lcg, weighted: &[(&'a str, usize)]) -> &'a str {
    let total: usize = weighted.iter().map(|w| w.1).sum();
    let mut n = rng.next(total.max(1));
    for (v, w) in weighted {
        if n < *w {
            return v;
        }
        n -= w;
    }
    weighted.first().map_or("", |w| w.0)
}

/// One respondent's answers to the shipped instrument.
fn respondent(rng: &mut Lcg, town: &str) -> Responses {
    let mut r = Responses::new();
    let mut put = |k: &str, v: &[&str]| {
        r.insert(k.to_owned(), v.iter().map(|s| (*s).to_owned()).collect());
    };
    put("D1", &[town]);
    put(
        "D2",
        &[pick(
            rng,
            &[
                ("farmer", 30),
                ("worker", 20),
                ("employee", 15),
                ("self", 10),
                ("retired", 15),
                ("other", 10),
            ],
        )],
    );
    put(
        "D3",
        &[pick(
            rng,
            &[
                ("u25", 8),
                ("25_34", 30),
                ("35_44", 26),
                ("45_54", 16),
                ("55_64", 12),
                ("65p", 8),
            ],
        )],
    );
    put(
        "D4",
        &[pick(
            rng,
            &[
                ("primary", 20),
                ("junior", 35),
                ("senior", 25),
                ("college", 20),
            ],
        )],
    );
    let a1 = pick(
        rng,
        &[("never", 12), ("heard", 46), ("fairly", 30), ("very", 12)],
    );
    put("A1", &[a1]);
    if a1 != "never" {
        put(
            "A2",
            &[pick(rng, &[("free", 80), ("paid", 5), ("unknown", 15)])],
        );
        let scope = [
            "wage", "injury", "support", "traffic", "domestic", "criminal",
        ];
        let chosen: Vec<&str> = scope
            .iter()
            .copied()
            .filter(|_| rng.next(100) < 45)
            .collect();
        if chosen.is_empty() {
            put("A3", &["wage"]);
        } else {
            put("A3", &chosen);
        }
        put(
            "A4",
            &[pick(
                rng,
                &[
                    ("center", 40),
                    ("office", 35),
                    ("hotline", 20),
                    ("online", 5),
                ],
            )],
        );
        put(
            "A5",
            &[pick(
                rng,
                &[
                    ("media", 50),
                    ("event", 20),
                    ("online", 15),
                    ("kin", 10),
                    ("cadre", 5),
                ],
            )],
        );
    }
    put(
        "A6",
        &[pick(rng, &[("yes", 82), ("no", 5), ("unsure", 13)])],
    );
    let recipient = rng.next(100) < 22;
    put("S1", &[if recipient { "yes" } else { "no" }]);
    if recipient {
        for q in ["S2", "S3", "S4", "S5", "S6"] {
            put(
                q,
                &[pick(
                    rng,
                    &[("satisfied", 85), ("basic", 13), ("dissatisfied", 2)],
                )],
            );
        }
        put("S7", &["no"]);
    }
    if rng.next(100) < 8 {
        put("O1", &["希望在村里多开展法律援助宣传"]);
    }
    r
}

/// This season's survey of the bureau.
async fn survey(app: &App, units: &[Unit]) -> AppResult<()> {
    let now = app.clock.now();
    let today = local_date(now);
    let Some(sup) = as_user(app, "supervisor").await? else {
        return Ok(());
    };
    let starts_on = today - Duration::days(50);
    let ends_on = today + Duration::days(40);
    let instrument = {
        let mut tx = app.store.read().await?;
        legalaid_store::surveys::instruments(&mut tx)
            .await?
            .into_iter()
            .find(|i| i.code == surveys::SHIPPED_CODE)
            .map(|i| i.id)
            .ok_or(AppError::NotFound)?
    };
    let targets: Vec<Target> = CLERKS
        .iter()
        .zip([70, 60, 50, 50, 40, 40])
        .map(|((_, town), target)| Target {
            township: (*town).into(),
            target,
        })
        .collect();
    let c = surveys::create(
        &at(app, on(starts_on, 9)),
        &sup,
        &CampaignInput {
            title: format!(
                "{}年法律援助知晓率和满意度调查",
                chrono::Datelike::year(&starts_on)
            ),
            instrument_id: Some(instrument),
            starts_on: Some(starts_on),
            ends_on: Some(ends_on),
            targets,
        },
    )
    .await?;
    let id = CampaignId(c.campaign.id);
    let mut rng = Lcg(20260311);
    let days = (today - starts_on).num_days().max(1);
    let mut n = 0u32;
    for (clerk, town) in CLERKS {
        let office: Option<UnitId> = units
            .iter()
            .find(|u| u.kind == UnitKind::JudicialOffice && u.region_code.as_str() == *town)
            .map(|u| u.id);
        // Each office hands out 45 codes; most come back.
        let issued = surveys::issue_codes(
            &at(app, on(starts_on + Duration::days(1), 10)),
            &sup,
            id,
            45,
            office,
        )
        .await?;
        let answered = 28 + rng.next(12);
        for code in issued.codes.iter().take(answered) {
            let day = starts_on
                + Duration::days(
                    2 + i64::try_from(rng.next(usize::try_from(days).unwrap_or(1))).unwrap_or(0),
                );
            let day = day.min(today);
            let town_of = if rng.next(100) < 85 {
                (*town).to_owned()
            } else {
                CLERKS[rng.next(CLERKS.len())].1.to_owned()
            };
            let given = respondent(&mut rng, &town_of);
            n += 1;
            let meta = RequestMeta {
                request_id: "demo".into(),
                ip: format!("demo-{n}"),
            };
            let t = on(day, 8 + u32::try_from(rng.next(12)).unwrap_or(0));
            if t > now {
                continue;
            }
            public::answer(&at(app, t), &meta, code, &given).await?;
        }
        // And the clerk's phone survey.
        let Some(ctx) = as_user(app, clerk).await? else {
            continue;
        };
        for _ in 0..(10 + rng.next(8)) {
            let day = (starts_on
                + Duration::days(
                    3 + i64::try_from(rng.next(usize::try_from(days).unwrap_or(1))).unwrap_or(0),
                ))
            .min(today);
            let t = on(day, 14 + u32::try_from(rng.next(3)).unwrap_or(0));
            if t > now {
                continue;
            }
            let given = respondent(&mut rng, town);
            surveys::enter(&at(app, t), &ctx, id, &given).await?;
        }
    }
    Ok(())
}

/// A year of the center's training sessions, month by month.
async fn sessions(app: &App) -> AppResult<()> {
    let now = app.clock.now();
    let today = local_date(now);
    let Some(director) = as_user(app, "director").await? else {
        return Ok(());
    };
    let staff = crate::staff::all(app, &Ctx::system("demo"), &Default::default()).await?;
    let lawyers: Vec<i64> = staff
        .iter()
        .filter(|s| s.kind == legalaid_domain::staff::StaffKind::Lawyer)
        .map(|s| s.id.0)
        .collect();
    let center: Vec<i64> = staff
        .iter()
        .filter(|s| s.kind == legalaid_domain::staff::StaffKind::CenterStaff)
        .map(|s| s.id.0)
        .collect();
    const TOPICS: &[(&str, &str, &str, &str)] = &[
        (
            "法律援助案件质量提升培训",
            "business",
            "3.5",
            "案卷评查标准与常见问题讲义",
        ),
        (
            "刑事案件法律援助辩护实务",
            "special",
            "3",
            "认罪认罚案件辩护要点",
        ),
        (
            "劳动争议案件代理案例辅导",
            "case_guidance",
            "2",
            "欠薪案件办理案例汇编",
        ),
        (
            "新入库律师岗前培训",
            "pre_job",
            "4",
            "法律援助办案规范与工作流程",
        ),
        (
            "法律援助文书制作规范",
            "business",
            "2.5",
            "文书样式与填写说明",
        ),
        (
            "未成年人案件法律援助专题",
            "special",
            "3",
            "未成年人刑事案件办理指引",
        ),
    ];
    let mut rng = Lcg(20250906);
    // Eleven sessions in the past year (the last two days ago), one next week.
    let mut days: Vec<i64> = (1..=10).map(|k| -(k * 33 + 5)).collect();
    days.push(-2);
    days.push(7);
    days.sort_unstable();
    for (k, offset) in days.iter().enumerate() {
        let held = today + Duration::days(*offset);
        let (topic, kind, hours, materials) = TOPICS[k % TOPICS.len()];
        let created = on(held - Duration::days(10), 9).min(now);
        let app_then = at(app, created);
        let v = training::create(
            &app_then,
            &director,
            &SessionInput {
                topic: topic.into(),
                kind: kind.into(),
                held_on: Some(held),
                hours: hours.into(),
                trainers: ["王海", "刘洋", "孙丽"][k % 3].into(),
                place: "叶集区公共法律服务中心三楼会议室".into(),
                materials: materials.into(),
            },
        )
        .await?;
        let id = legalaid_domain::TrainingId(v.session.id);
        let mut who: Vec<i64> = lawyers
            .iter()
            .copied()
            .filter(|_| rng.next(100) < 40)
            .collect();
        if kind == "business" {
            who.extend(center.iter().copied());
        }
        if who.is_empty() {
            who.extend(lawyers.iter().take(3).copied());
        }
        let v = training::enrol(&app_then, &director, id, v.session.version, &who).await?;
        if *offset <= -3 {
            let attended: Vec<i64> = who.iter().copied().filter(|_| rng.next(100) < 88).collect();
            training::confirm(
                &at(app, on(held + Duration::days(1), 9).min(now)),
                &director,
                id,
                v.session.version,
                &attended,
            )
            .await?;
        }
    }
    Ok(())
}
