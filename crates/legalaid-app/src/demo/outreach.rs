//! The demo's outreach (issue 11 items 2–4), a year up to the clock's today:
//! consultations answered by the center (mostly on the 12348 line), the judicial
//! offices and the detention house's workstation, in every channel; the duty
//! roster of the workstations in the court, the procuratorate and the detention
//! house with the help the lawyers recorded, and the next two weeks on the roster
//! (each lawyer told of a coming duty, `lawyer` first among them); publicity
//! activities at the venues of 法律八进 with the consultations taken on the spot
//! and their media items. Everything through the use cases, as the demo accounts
//! who do it, dated by the clock; the workstation's clerk `clerk_kss` is made here.

use super::applications::at;
use super::{GIVEN, Lcg, SURNAMES, as_staff, as_user, input, on};
use crate::outreach::{consultations, duty, publicity};
use crate::{App, AppError, AppResult, Ctx};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use legalaid_domain::local_date;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffKind;
use legalaid_domain::unit::Unit;
use serde_json::json;

/// The detention house's workstation and the account of its clerk.
pub const DETENTION_STATION: &str = "叶集区看守所法律援助工作站";
pub const STATION_CLERK: (&str, &str) = ("clerk_kss", "看守所工作站 马强");

/// The accounts that answer consultations and hold publicity activities: the
/// center's reviewer and each judicial office's clerk.
const ANSWERING: &[&str] = &[
    "reviewer",
    "clerk",
    "clerk_pinggang",
    "clerk_sanyuan",
    "clerk_hongji",
    "clerk_yaoli",
    "clerk_sungang",
];

/// (topic, question, answer) of the consultations.
const TOPICS: &[(&str, &str, &str)] = &[
    (
        "wages",
        "在工地干活，老板拖欠工资半年不给，怎么办？",
        "可向人社部门劳动监察投诉，或申请劳动仲裁；请农民工追索劳动报酬不受经济困难条件限制，可申请法律援助。",
    ),
    (
        "work_injury",
        "上班时受伤，单位不给认定工伤，怎么办？",
        "应在事故发生之日起一年内向人社部门申请工伤认定，告知所需材料，符合条件可申请法律援助。",
    ),
    (
        "elder_support",
        "子女不给赡养费，老人生活困难怎么办？",
        "可请村（居）委会调解，调解不成可向人民法院起诉请求给付赡养费，可申请法律援助。",
    ),
    (
        "child_support",
        "离婚后对方不付孩子抚养费怎么办？",
        "可向人民法院申请强制执行或起诉要求支付，告知法律援助申请条件。",
    ),
    (
        "marriage_family",
        "想离婚，财产和孩子怎么处理？",
        "讲解协议离婚与诉讼离婚的程序、子女抚养和财产分割的原则。",
    ),
    (
        "traffic_accident",
        "被车撞伤，对方和保险公司不赔怎么办？",
        "告知赔偿项目和诉讼时效，建议保全证据，符合条件可申请法律援助。",
    ),
    (
        "medical_accident",
        "家人在医院治疗后病情加重，怀疑医疗过错。",
        "讲解医疗损害鉴定和赔偿途径，告知可申请医疗纠纷人民调解。",
    ),
    (
        "private_lending",
        "借钱给朋友不还，只有微信聊天记录。",
        "讲解证据的保存、诉讼时效和起诉程序。",
    ),
    (
        "contract_dispute",
        "买的农资质量有问题，商家不退不赔。",
        "告知可向市场监管部门投诉或起诉，保留购货凭证和损失证明。",
    ),
    (
        "consumer_rights",
        "网购商品有质量问题，商家拒绝退货。",
        "告知七日无理由退货和消费者协会投诉途径。",
    ),
    (
        "social_insurance",
        "单位没给交社保，退休后怎么办？",
        "可向社保经办机构或劳动监察投诉，讲解补缴和赔偿的途径。",
    ),
    (
        "minimum_living",
        "申请低保被拒，不服怎么办？",
        "告知可申请复核、行政复议或提起行政诉讼的期限。",
    ),
    (
        "pension_relief",
        "烈士家属抚恤金发放有疑问。",
        "讲解抚恤优待政策和向退役军人事务部门反映的途径。",
    ),
    (
        "theft",
        "儿子因盗窃被公安机关拘留，家属能做什么？",
        "讲解刑事诉讼程序和权利，告知可为其申请法律援助或委托辩护人。",
    ),
    (
        "fraud",
        "被电信诈骗转走两万元，还能追回吗？",
        "建议立即报警并保存转账凭证，讲解追赃程序。",
    ),
    (
        "assault",
        "打架后对方报警，会不会坐牢？",
        "讲解故意伤害罪的构成与伤情鉴定，告知认罪认罚从宽制度。",
    ),
    (
        "traffic_crime",
        "亲属交通肇事致人死亡，被取保候审。",
        "讲解交通肇事罪、赔偿与谅解对量刑的影响。",
    ),
    (
        "other_civil",
        "邻居盖房挡住采光，协商不成。",
        "讲解相邻关系，可请村（居）委会或人民调解委员会调解。",
    ),
    (
        "other_administrative",
        "房屋被列入征收范围，补偿不合理。",
        "讲解征收补偿程序和行政复议、行政诉讼的期限。",
    ),
];

const CHANNELS_CENTER: &[&str] = &[
    "hotline_12348",
    "hotline_12348",
    "hotline_12348",
    "phone",
    "visit",
    "online",
    "letter",
];
const CHANNELS_OFFICE: &[&str] = &[
    "visit", "visit", "visit", "phone", "online", "other", "letter",
];
const GROUPS: &[&[&str]] = &[
    &[],
    &["woman"],
    &["migrant_worker", "farmer"],
    &["elderly"],
    &["farmer"],
    &["disabled"],
    &["minor"],
    &["general_poor"],
    &["woman", "elderly"],
    &["military_family"],
    &["other"],
];

fn ctx(app: &App, c: &Option<Ctx>) -> AppResult<Ctx> {
    let _ = app;
    c.clone().ok_or(AppError::NotFound)
}

fn name(rng: &mut Lcg) -> String {
    format!(
        "{}{}",
        SURNAMES[rng.next(SURNAMES.len())],
        GIVEN[rng.next(GIVEN.len())]
    )
}

/// Loads the outreach story (after the cases and the quality work).
pub(crate) async fn load(app: &App) -> AppResult<()> {
    let units = crate::units::all_visible(app, &Ctx::system("demo")).await?;
    station_clerk(app, &units).await?;
    let today = local_date(app.clock.now());
    let mut rng = Lcg(20261205);
    let activities = activities(app, today, &mut rng).await?;
    consultations(app, today, &activities, &mut rng).await?;
    duty_story(app, &units, today, &mut rng).await?;
    Ok(())
}

/// The clerk of the detention house's workstation: keeps its roster and records
/// the consultations of its visitors.
async fn station_clerk(app: &App, units: &[Unit]) -> AppResult<()> {
    let Some(station) = units.iter().find(|u| u.name == DETENTION_STATION) else {
        return Ok(());
    };
    let system = Ctx::system("demo");
    let hash = crate::auth::hash_password(app, super::DEMO_PASSWORD.to_owned()).await?;
    let mut tx = app.store.write().await?;
    if legalaid_store::users::find_for_login(&mut tx, STATION_CLERK.0)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let fields = legalaid_domain::user::UserFields {
        display_name: STATION_CLERK.1.into(),
        unit_id: Some(station.id),
        staff_id: None,
        roles: vec![Role::IntakeClerk],
        active: true,
    };
    let user = legalaid_store::users::insert(
        &mut tx,
        STATION_CLERK.0,
        &fields,
        &hash,
        false,
        app.clock.now(),
    )
    .await?;
    crate::audit::record(
        app,
        &mut tx,
        &system,
        legalaid_domain::audit::AuditAction::UserCreate,
        user.id,
        None::<&()>,
        Some(&user),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A publicity activity of each judicial office about every five weeks and of
/// the center every month, across the venues, with a media item for some;
/// returns (activity id, account, day) of those with on-site consultations.
async fn activities(
    app: &App,
    today: NaiveDate,
    rng: &mut Lcg,
) -> AppResult<Vec<(i64, &'static str, NaiveDate)>> {
    const VENUES: &[(&str, &str)] = &[
        ("villages", "村委会广场"),
        ("communities", "社区服务中心"),
        ("enterprises", "工业园区企业"),
        ("campuses", "中心小学"),
        ("organs", "镇政府会议室"),
        ("units", "卫生院"),
        ("custody", "叶集区看守所"),
        ("barracks", "区人武部"),
    ];
    const FORMS: &[(&str, &str)] = &[
        ("on_site", "法律援助进{}现场咨询"),
        ("lecture", "法律援助进{}法治讲座"),
        ("materials", "法律援助进{}宣传资料发放"),
        ("campaign_day", "法律援助进{}集中宣传日"),
    ];
    let mut out = Vec::new();
    for (i, account) in ANSWERING.iter().enumerate() {
        let who = as_user(app, account).await?;
        let Some(who) = who else { continue };
        let every = if i == 0 { 30 } else { 35 };
        let mut day = today - Duration::days(360 - i64::try_from(i).unwrap_or(0) * 4);
        let mut n = 0usize;
        while day <= today {
            let (venue, place) = VENUES[(n + i) % VENUES.len()];
            let (form, title) = FORMS[rng.next(FORMS.len())];
            let label = venue_label(venue);
            let body = json!({
                "held_on": day, "title": title.replace("{}", label), "form": form, "venue": venue,
                "place": place, "staff": who.actor.as_ref().map(|a| a.user.display_name.clone()).unwrap_or_default(),
                "people_reached": 40 + rng.next(260), "materials": 50 + rng.next(450),
            });
            let a = publicity::record(&at(app, on(day, 17)), &who, &input(body)?).await?;
            let id = a.activity.activity.id;
            if matches!(form, "on_site" | "campaign_day") {
                out.push((id, *account, day));
            }
            if rng.next(3) == 0 {
                let kind = ["internet", "internet", "print", "broadcast"][rng.next(4)];
                let outlet = match kind {
                    "internet" => "叶集司法微信公众号",
                    "print" => "皖西日报",
                    _ => "叶集区融媒体中心",
                };
                let published = (day + Duration::days(1)).min(today);
                publicity::record_media(
                    &at(app, on(published, 18)),
                    &who,
                    &input(json!({
                        "kind": kind, "published_on": published, "outlet": outlet,
                        "title": format!("{}活动侧记", title.replace("{}", label)),
                        "url": if kind == "internet" { "https://example.org/yeji/legal-aid" } else { "" },
                        "activity_id": id,
                    }))?,
                )
                .await?;
            }
            n += 1;
            day += Duration::days(every + i64::try_from(rng.next(7)).unwrap_or(0));
        }
    }
    Ok(out)
}

fn venue_label(code: &str) -> &'static str {
    match code {
        "villages" => "乡村",
        "communities" => "社区",
        "enterprises" => "企业",
        "campuses" => "校园",
        "organs" => "机关",
        "units" => "单位",
        "custody" => "监所",
        _ => "军营",
    }
}

fn consultation_body(rng: &mut Lcg, channel: &str, activity: Option<i64>) -> serde_json::Value {
    let (topic, question, answer) = TOPICS[rng.next(TOPICS.len())];
    let anonymous = channel.starts_with("hotline") || channel == "phone" || channel == "online";
    let named = !anonymous || rng.next(3) == 0;
    let person = if named { name(rng) } else { String::new() };
    let referred = rng.next(12) == 0;
    json!({
        "channel": channel, "topic": topic, "question": question, "answer": answer,
        "name": person, "groups": GROUPS[rng.next(GROUPS.len())],
        "duration_minutes": 5 + rng.next(40),
        "outcome": if referred { "referred" } else if rng.next(15) == 0 { "drafted" } else { "answered" },
        "referred_to": if referred { "叶集区人力资源和社会保障局劳动保障监察大队" } else { "" },
        "activity_id": activity,
    })
}

/// The consultations of the year: the center every few days, each judicial
/// office about weekly, the workstation's clerk fortnightly, and those taken on
/// the spot at the activities.
async fn consultations(
    app: &App,
    today: NaiveDate,
    activities: &[(i64, &'static str, NaiveDate)],
    rng: &mut Lcg,
) -> AppResult<()> {
    let mut accounts: Vec<(&str, i64, &[&str])> = ANSWERING
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                *a,
                if i == 0 { 3 } else { 8 },
                if i == 0 {
                    CHANNELS_CENTER
                } else {
                    CHANNELS_OFFICE
                },
            )
        })
        .collect();
    accounts.push((STATION_CLERK.0, 14, &["visit", "visit", "letter"]));
    for (i, (account, every, channels)) in accounts.iter().enumerate() {
        let who = as_user(app, account).await?;
        let Some(who) = who else { continue };
        let mut day = today - Duration::days(364 - i64::try_from(i).unwrap_or(0));
        while day <= today {
            let channel = channels[rng.next(channels.len())];
            let hour = 9 + u32::try_from(rng.next(8)).unwrap_or(0);
            let at_time = on(day, hour);
            let mut body = consultation_body(rng, channel, None);
            body["consulted_at"] = json!(at_time);
            consultations::record(
                &at(app, at_time + Duration::minutes(40)),
                &who,
                &input(body)?,
            )
            .await?;
            day += Duration::days(every + i64::try_from(rng.next(3)).unwrap_or(0));
        }
    }
    for (id, account, day) in activities {
        let who = ctx(app, &as_user(app, account).await?)?;
        for _ in 0..1 + rng.next(3) {
            let at_time = on(*day, 10);
            let mut body = consultation_body(rng, "visit", Some(*id));
            body["consulted_at"] = json!(at_time);
            consultations::record(&at(app, on(*day, 17)), &who, &input(body)?).await?;
        }
    }
    Ok(())
}

/// The workstations' duty: the detention house on Mondays, Wednesdays and
/// Fridays, the procuratorate on Tuesdays, the court on Thursdays; a lawyer in
/// turn each day; the help of each past day recorded by its lawyer; the next
/// two weeks on the roster, `lawyer` on the detention house's next duty day.
async fn duty_story(app: &App, units: &[Unit], today: NaiveDate, rng: &mut Lcg) -> AppResult<()> {
    let director = ctx(app, &as_user(app, "director").await?)?;
    let clerk = as_user(app, STATION_CLERK.0).await?;
    let station = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id.0);
    let (Some(kss), Some(court), Some(proc)) = (
        station(DETENTION_STATION),
        station("叶集区人民法院法律援助工作站"),
        station("叶集区人民检察院法律援助工作站"),
    ) else {
        return Ok(());
    };
    let mut lawyers = crate::staff::all(
        app,
        &Ctx::system("demo"),
        &legalaid_store::staff::StaffFilter {
            kind: Some(StaffKind::Lawyer),
            ..Default::default()
        },
    )
    .await?;
    lawyers.sort_by_key(|s| s.id);
    if lawyers.is_empty() {
        return Ok(());
    }
    let mut turn = 1usize;
    let mut first_future_kss = true;
    let mut seq = 1usize;
    let mut day = today - Duration::days(364);
    let last = today + Duration::days(14);
    while day <= last {
        let (station_id, organ, kinds): (i64, &str, &[&str]) = match day.weekday() {
            Weekday::Mon | Weekday::Wed | Weekday::Fri => (
                kss,
                "六安市公安局叶集分局",
                &[
                    "meeting",
                    "consultation",
                    "procedure_advice",
                    "plea_signing",
                    "charge_opinion",
                ],
            ),
            Weekday::Tue => (
                proc,
                "六安市叶集区人民检察院",
                &[
                    "plea_signing",
                    "plea_signing",
                    "file_reading",
                    "charge_opinion",
                    "procedure_advice",
                ],
            ),
            Weekday::Thu => (
                court,
                "六安市叶集区人民法院",
                &["consultation", "procedure_advice", "charge_opinion"],
            ),
            _ => {
                day += Duration::days(1);
                continue;
            }
        };
        let lawyer = if day > today && station_id == kss && first_future_kss {
            first_future_kss = false;
            &lawyers[0]
        } else {
            turn += 1;
            &lawyers[turn % lawyers.len()]
        };
        // The past as written on the day; the coming two weeks written now
        // (the lawyers are told). The workstation's clerk keeps its own roster.
        let writer = match (&clerk, station_id == kss) {
            (Some(c), true) => c.clone(),
            _ => director.clone(),
        };
        let when = if day > today {
            app.clock.now()
        } else {
            on(day, 8)
        };
        duty::add(
            &at(app, when),
            &writer,
            &input(
                json!({ "workstation_id": station_id, "duty_date": day, "staff_id": lawyer.id.0 }),
            )?,
        )
        .await?;
        if day <= today
            && let Some(me) = as_staff(app, lawyer.id.0).await?
        {
            for _ in 0..1 + rng.next(3) {
                let kind = kinds[rng.next(kinds.len())];
                let role = if station_id == court {
                    "defendant"
                } else {
                    "suspect"
                };
                let number = match station_id {
                    x if x == court => format!("（{}）皖1504刑初{}号", day.year(), seq),
                    x if x == proc => format!("叶检刑诉〔{}〕{}号", day.year(), seq),
                    _ => format!("叶公（刑）字〔{}〕{}号", day.year(), seq),
                };
                seq += 1;
                duty::record_help(
                    &at(app, on(day, 17)),
                    &me,
                    &input(json!({
                        "workstation_id": station_id, "helped_on": day, "kind": kind,
                        "person_name": format!("{}某", SURNAMES[rng.next(SURNAMES.len())]),
                        "person_role": role, "organ_name": organ, "organ_case_number": number,
                        "summary": "告知诉讼权利和认罪认罚从宽制度，解答程序问题。",
                    }))?,
                )
                .await?;
            }
        }
        day += Duration::days(1);
    }
    Ok(())
}
