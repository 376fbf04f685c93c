//! The demo data set: the Yeji District (Lu'an, Anhui) jurisdiction with its
//! bureau, legal aid center, judicial offices, workstations, law firms and lawyers,
//! and one account per role. Names are generated; any likeness is coincidence.
//!
//! Everything is written through the use cases, so the demo's own creation is in
//! the audit trail like any other change.

use crate::auth::hash_password;
use crate::{App, AppResult, Ctx, audit, staff, units};
use legalaid_domain::application::ApplicationInput;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::person::PersonInput;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffInput;
use legalaid_domain::unit::{Unit, UnitInput};
use legalaid_domain::user::UserFields;
use legalaid_domain::{StaffId, UnitId};
use legalaid_store::users;

/// The password of every demo account (stated in the README).
pub const DEMO_PASSWORD: &str = "Legalaid@2024";

/// The demo accounts of the bureau and the center: username, display name, role.
/// Besides these, each judicial office has a clerk ([`OFFICE_CLERKS`]) and each
/// demo lawyer an account of their own (`lawyer`, `lawyer2` … `lawyer30`).
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("sysadmin", "信息科 周明", Role::SystemAdmin),
    ("supervisor", "法律援助科 陈静", Role::BureauSupervisor),
    ("reviewer", "审查员 刘洋", Role::CenterReviewer),
    ("director", "中心主任 王海", Role::CenterDirector),
    ("quality", "评查员 孙丽", Role::QualityReviewer),
];

/// One intake clerk per judicial office: username, the office, display name.
pub const OFFICE_CLERKS: &[(&str, &str, &str)] = &[
    ("clerk", "叶集区史河街道司法所", "史河司法所 张敏"),
    ("clerk_pinggang", "叶集区平岗街道司法所", "平岗司法所 刘芳"),
    ("clerk_sanyuan", "叶集区三元镇司法所", "三元司法所 何平"),
    ("clerk_hongji", "叶集区洪集镇司法所", "洪集司法所 罗文"),
    ("clerk_yaoli", "叶集区姚李镇司法所", "姚李司法所 梁霞"),
    ("clerk_sungang", "叶集区孙岗乡司法所", "孙岗司法所 宋涛"),
];

/// The account of the `k`-th lawyer (from 0) of the `f`-th firm (from 0), five per
/// firm: the first lawyers of the first two firms are `lawyer` and `lawyer2`, the
/// others `lawyer3` to `lawyer30` in order.
pub fn lawyer_username(f: usize, k: usize) -> String {
    match f * 5 + k {
        0 => "lawyer".into(),
        5 => "lawyer2".into(),
        // 1–4 → lawyer3–lawyer6; 6–29 → lawyer7–lawyer30.
        i if i < 5 => format!("lawyer{}", i + 2),
        i => format!("lawyer{}", i + 1),
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "文", "辉", "建华", "玉兰", "志强", "海燕", "国庆", "晓东",
    "春梅", "立新",
];

/// A demo account to create: username, display name, role, unit, staff record.
type Account = (String, String, Role, Option<UnitId>, Option<StaffId>);

/// A small deterministic generator, so the demo is the same on every machine.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from((self.0 >> 33) % (n as u64)).unwrap_or(0)
    }
}

fn unit(
    name: &str,
    kind: &str,
    host: Option<&str>,
    region: &str,
    address: &str,
    contact: &str,
    phone: &str,
) -> UnitInput {
    UnitInput {
        name: name.into(),
        kind: kind.into(),
        workstation_host: host.map(Into::into),
        region_code: region.into(),
        address: address.into(),
        contact_person: contact.into(),
        phone: phone.into(),
        active: true,
    }
}

fn units_data() -> Vec<UnitInput> {
    let mut v = vec![
        unit(
            "六安市叶集区司法局",
            "justice_bureau",
            None,
            "341504",
            "叶集区史河街道民强西路",
            "陈静",
            "0564-6123001",
        ),
        unit(
            "六安市叶集区法律援助中心",
            "legal_aid_center",
            None,
            "341504",
            "叶集区史河街道民强西路公共法律服务中心一楼",
            "王海",
            "0564-6123348",
        ),
    ];
    for (town, code) in [
        ("史河街道", "341504001"),
        ("平岗街道", "341504002"),
        ("三元镇", "341504100"),
        ("洪集镇", "341504101"),
        ("姚李镇", "341504102"),
        ("孙岗乡", "341504200"),
    ] {
        v.push(unit(
            &format!("叶集区{town}司法所"),
            "judicial_office",
            None,
            code,
            &format!("叶集区{town}人民政府院内"),
            "",
            "0564-6123100",
        ));
    }
    for (name, host) in [
        ("叶集区人民法院法律援助工作站", "court"),
        ("叶集区人民检察院法律援助工作站", "procuratorate"),
        ("叶集区看守所法律援助工作站", "detention_house"),
        ("叶集区总工会法律援助工作站", "trade_union"),
        ("叶集区妇女联合会法律援助工作站", "womens_federation"),
    ] {
        v.push(unit(
            name,
            "workstation",
            Some(host),
            "341504",
            "叶集区",
            "",
            "0564-6123200",
        ));
    }
    v.push(unit(
        "叶集区史河法律服务所",
        "legal_service_office",
        None,
        "341504001",
        "叶集区史河街道",
        "",
        "0564-6123300",
    ));
    for (i, name) in [
        "安徽叶诚律师事务所",
        "安徽史河律师事务所",
        "安徽皖叶律师事务所",
        "安徽明泽律师事务所",
        "安徽正衡律师事务所",
        "安徽润和律师事务所",
    ]
    .iter()
    .enumerate()
    {
        v.push(unit(
            name,
            "law_firm",
            None,
            "341504",
            &format!("叶集区史河街道商贸路{}号", 10 + i * 7),
            "",
            &format!("0564-61240{i}0"),
        ));
    }
    v
}

const SPECIALTIES: &[&str] = &[
    "criminal_defense",
    "labor",
    "marriage_family",
    "traffic",
    "personal_injury",
    "juvenile",
    "medical",
    "administrative",
    "land_contract",
    "contract",
];

/// Loads the demo into an empty database. Returns false (and does nothing) when
/// units already exist.
pub async fn load(app: &App) -> AppResult<bool> {
    {
        let mut tx = app.store.read().await?;
        if legalaid_store::units::count(&mut tx).await? > 0 {
            return Ok(false);
        }
    }
    let ctx = Ctx::system("demo");
    let mut created: Vec<Unit> = Vec::new();
    for u in units_data() {
        created.push(units::create(app, &ctx, &u).await?);
    }
    let firms: Vec<&Unit> = created
        .iter()
        .filter(|u| u.kind == legalaid_domain::unit::UnitKind::LawFirm)
        .collect();
    let mut rng = Lcg(20240805);
    // (username, display name, firm, staff record) of every demo lawyer.
    let mut lawyers: Vec<(String, String, UnitId, StaffId)> = Vec::new();
    for (fi, firm) in firms.iter().enumerate() {
        for k in 0..5 {
            let female = rng.next(2) == 0;
            let name = format!(
                "{}{}",
                SURNAMES[rng.next(SURNAMES.len())],
                GIVEN[rng.next(GIVEN.len())]
            );
            let start = 2004 + i32::try_from(rng.next(19)).unwrap_or(0);
            let serial = 100_000 + fi * 1000 + k * 37 + rng.next(30);
            let licence = format!("13415{start}1{}{serial:06}", if female { 0 } else { 1 });
            let mut specialties = vec![SPECIALTIES[rng.next(SPECIALTIES.len())].to_owned()];
            if k == 0 {
                // Each firm has at least one experienced criminal defender (LAL art 26).
                specialties.insert(0, "criminal_defense".into());
            }
            if k == 1 {
                specialties.push("juvenile".into());
            }
            let display = format!("{name}（{}）", firm.name);
            let s = staff::create(
                app,
                &ctx,
                &StaffInput {
                    unit_id: Some(firm.id.0),
                    name,
                    sex: if female { "female" } else { "male" }.into(),
                    kind: "lawyer".into(),
                    licence_no: licence,
                    practice_start_year: Some(if k == 0 { start.min(2015) } else { start }),
                    specialties,
                    phone: format!("139{:08}", 56_100_000 + fi * 100 + k),
                    active: true,
                },
            )
            .await?;
            lawyers.push((lawyer_username(fi, k), display, firm.id, s.id));
        }
    }
    let center = created
        .iter()
        .find(|u| u.kind == legalaid_domain::unit::UnitKind::LegalAidCenter)
        .map(|u| u.id);
    for (name, sex) in [("王海", "male"), ("刘洋", "male"), ("孙丽", "female")] {
        staff::create(
            app,
            &ctx,
            &StaffInput {
                unit_id: center.map(|c| c.0),
                name: name.into(),
                sex: sex.into(),
                kind: "center_staff".into(),
                active: true,
                ..Default::default()
            },
        )
        .await?;
    }
    let of_kind = |kind: legalaid_domain::unit::UnitKind| {
        created.iter().find(|u| u.kind == kind).map(|u| u.id)
    };
    let mut accounts: Vec<Account> = Vec::new();
    for (username, display, role) in DEMO_ACCOUNTS {
        let kind = match role {
            Role::SystemAdmin | Role::BureauSupervisor => {
                legalaid_domain::unit::UnitKind::JusticeBureau
            }
            _ => legalaid_domain::unit::UnitKind::LegalAidCenter,
        };
        accounts.push((
            (*username).into(),
            (*display).into(),
            *role,
            of_kind(kind),
            None,
        ));
    }
    for (username, office, display) in OFFICE_CLERKS {
        let unit = created.iter().find(|u| u.name == *office).map(|u| u.id);
        accounts.push((
            (*username).into(),
            (*display).into(),
            Role::IntakeClerk,
            unit,
            None,
        ));
    }
    for (username, display, firm, staff_id) in lawyers {
        accounts.push((username, display, Role::Handler, Some(firm), Some(staff_id)));
    }
    let hash = hash_password(app, DEMO_PASSWORD.to_owned()).await?;
    let mut tx = app.store.write().await?;
    for (username, display, role, unit_id, staff_id) in accounts {
        let fields = UserFields {
            display_name: display,
            unit_id,
            staff_id,
            roles: vec![role],
            active: true,
        };
        let user =
            users::insert(&mut tx, &username, &fields, &hash, false, app.clock.now()).await?;
        audit::record(
            app,
            &mut tx,
            &ctx,
            AuditAction::UserCreate,
            user.id,
            None::<&()>,
            Some(&user),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// The demo's activity, last year and this year up to the clock's today:
/// applicants and applications in every channel and state, and their cases, so
/// that every demo account's queue has live work. Loaded after [`load`], only on a
/// database without applications.
pub async fn load_activity(app: &App) -> AppResult<bool> {
    {
        let mut tx = app.store.read().await?;
        if !legalaid_store::applications::list(
            &mut tx,
            &legalaid_domain::visibility::Scope::All,
            &legalaid_store::applications::ApplicationFilter::default(),
            crate::Page {
                page: 1,
                per_page: 1,
            },
        )
        .await?
        .0
        .is_empty()
        {
            return Ok(false);
        }
    }
    let units = crate::units::all_visible(app, &Ctx::system("demo")).await?;
    // Last year as history, and this year up to today: the demo lives on the clock.
    let this_year = chrono::Datelike::year(&legalaid_domain::local_date(app.clock.now()));
    for year in [this_year - 1, this_year] {
        load_applications(app, &units, year).await?;
    }
    crate::demo_cases::load(app).await?;
    crate::demo_today::load(app, &units).await?;
    // The demo's messages are history: they were delivered when they were written.
    let mut tx = app.store.write().await?;
    legalaid_store::messages::mark_history_sent(&mut tx, "demo").await?;
    tx.commit().await?;
    Ok(true)
}

/// One generated applicant: a name, a valid resident ID number and groups.
fn demo_person(rng: &mut Lcg, i: usize) -> PersonInput {
    let female = rng.next(2) == 0;
    let elderly = rng.next(6) == 0;
    let year = if elderly {
        1945 + rng.next(15)
    } else {
        1965 + rng.next(35)
    };
    let birth = format!("{year}{:02}{:02}", 1 + rng.next(12), 1 + rng.next(28));
    // The 17th digit carries the sex: odd for men, even for women; unique per person.
    let seq = 2 * i + usize::from(!female);
    let first17 = format!("341504{birth}{seq:03}");
    let id = format!(
        "{first17}{}",
        legalaid_domain::id_number::check_char(&first17).unwrap_or('0')
    );
    let mut groups = Vec::new();
    if rng.next(3) == 0 {
        groups.push("migrant_worker".to_owned());
    }
    if elderly {
        groups.push("elderly".to_owned());
    }
    if female {
        groups.push("woman".to_owned());
    }
    if rng.next(10) == 0 {
        groups.push("disabled".to_owned());
    }
    PersonInput {
        name: format!(
            "{}{}",
            SURNAMES[rng.next(SURNAMES.len())],
            GIVEN[rng.next(GIVEN.len())]
        ),
        id_type: "resident_id".into(),
        id_number: id,
        phone: format!(
            "13{}{:08}",
            5 + rng.next(5),
            10_000_000 + i * 7919 % 89_999_999
        ),
        address: format!(
            "叶集区{}",
            [
                "史河街道",
                "平岗街道",
                "三元镇",
                "洪集镇",
                "姚李镇",
                "孙岗乡"
            ][rng.next(6)]
        ),
        groups,
        ..Default::default()
    }
}

/// An App whose clock reads `t`: the demo's events carry the times they happened
/// at (their audit entries too).
fn at(app: &App, t: chrono::DateTime<chrono::Utc>) -> App {
    App {
        clock: std::sync::Arc::new(crate::FixedClock::new(t)),
        ..app.clone()
    }
}

/// A year of applications through every channel and in every state, up to the
/// clock's now: the story of each stops at now, and those of the last two weeks are
/// still open (under review, proposed, or denied with an objection waiting), some
/// of them overdue.
async fn load_applications(app: &App, units: &[Unit], year: i32) -> AppResult<()> {
    use legalaid_domain::application::{HouseholdInput, ObjectionOutcome, Outcome};
    use legalaid_domain::unit::UnitKind;
    let ctx = Ctx::system("demo");
    let of_kind = |k: UnitKind| {
        units
            .iter()
            .filter(move |u| u.kind == k)
            .map(|u| u.id)
            .collect::<Vec<_>>()
    };
    let center = of_kind(UnitKind::LegalAidCenter)
        .first()
        .copied()
        .ok_or(crate::AppError::NotFound)?;
    let offices = of_kind(UnitKind::JudicialOffice);
    let stations = of_kind(UnitKind::Workstation);
    let now = app.clock.now();
    let mut rng = Lcg(u64::try_from(year).unwrap_or(2024));
    let civil = [
        (
            "labor_remuneration",
            "labor_arbitration",
            "某建筑劳务有限公司",
            "申请人在工地务工，被拖欠工资共计一万二千元，多次催要未果。",
        ),
        (
            "injury_work",
            "litigation_representation",
            "某木业有限公司",
            "申请人在工作中受伤，用人单位未缴纳工伤保险，拒绝赔偿。",
        ),
        (
            "injury_traffic",
            "litigation_representation",
            "张某及某保险公司",
            "申请人骑电动车被小型轿车撞伤，对方拒绝承担医疗费。",
        ),
        (
            "support_payment",
            "litigation_representation",
            "申请人子女",
            "申请人年老体弱无固定收入，子女拒绝支付赡养费。",
        ),
        (
            "abuse_violence_victim",
            "litigation_representation",
            "申请人配偶",
            "申请人长期遭受家庭暴力，请求离婚并主张损害赔偿。",
        ),
        (
            "social_insurance_assistance",
            "litigation_representation",
            "某社会保险经办机构",
            "申请人请求给予工伤保险待遇。",
        ),
        (
            "rural_land_contract",
            "litigation_representation",
            "某村民组",
            "申请人承包的责任田被他人占用。",
        ),
        (
            "agri_input_loss",
            "litigation_representation",
            "某农资经营部",
            "申请人购买的稻种为不合格种子，造成绝收。",
        ),
        (
            "labor_dispute_compensation",
            "labor_arbitration",
            "某纺织有限公司",
            "用人单位违法解除劳动合同，申请人请求支付赔偿金。",
        ),
        (
            "injury_medical",
            "litigation_representation",
            "某卫生院",
            "申请人在诊疗中受到损害。",
        ),
    ];
    let channels = [
        "walk_in",
        "walk_in",
        "walk_in",
        "hotline_12348",
        "online",
        "mail",
        "judicial_office",
        "judicial_office",
        "workstation",
        "custody_forwarded",
        "notified",
        "notified",
    ];
    let mut n = 0usize;
    for month in 1..=12u32 {
        for k in 0..10u32 {
            n += 1;
            let day = 1 + (k * 3 + month) % 27;
            let hour = 1 + rng.next(7) as u32;
            let Some(received) = chrono::NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_opt(hour, 15, 0))
                .map(|t| t.and_utc())
                .filter(|t| *t <= now)
            else {
                continue;
            };
            let person = crate::persons::create(
                &at(app, received),
                &ctx,
                &demo_person(&mut rng, n),
                Some(center),
            )
            .await?;
            let channel = channels[rng.next(channels.len())];
            let unit = match channel {
                "judicial_office" => offices[rng.next(offices.len().max(1))],
                "workstation" => stations[rng.next(stations.len().max(1))],
                _ => center,
            };
            let mut input = ApplicationInput {
                applicant_id: Some(person.id),
                channel: channel.into(),
                received_at: Some(received),
                ..Default::default()
            };
            match channel {
                "notified" => {
                    input.notifying_organ =
                        Some(["court", "procuratorate", "police"][rng.next(3)].into());
                    input.matter_code = if rng.next(2) == 0 {
                        "criminal_defense_notified"
                    } else {
                        "criminal_defense_full_coverage"
                    }
                    .into();
                    input.service_form = "criminal_defense".into();
                    input.procedural_role = Some("criminal_defendant".into());
                    input.case_organ = "六安市叶集区人民法院".into();
                    input.case_number = format!("（{year}）皖1504刑初{}号", 10 + n);
                    input.summary =
                        "办案机关通知：被告人没有委托辩护人，依法通知法律援助机构指派律师。".into();
                }
                "custody_forwarded" => {
                    input.custody_received_at = Some(
                        received - chrono::Duration::hours(i64::from(6 + rng.next(20) as u32)),
                    );
                    input.matter_code = "criminal_defense_applied".into();
                    input.service_form = "criminal_defense".into();
                    input.procedural_role = Some("suspect".into());
                    input.case_organ = "六安市公安局叶集分局".into();
                    input.summary =
                        "犯罪嫌疑人在看守所提出法律援助申请，因家庭经济困难无力委托辩护人。".into();
                    input.declaration = Some(HouseholdInput {
                        members: 3,
                        monthly_income_fen: 240_000,
                    });
                }
                _ => {
                    let (matter, form, opposing, summary) = civil[rng.next(civil.len())];
                    input.matter_code = matter.into();
                    input.service_form = form.into();
                    input.procedural_role = Some(
                        if form == "labor_arbitration" {
                            "applicant"
                        } else {
                            "plaintiff"
                        }
                        .into(),
                    );
                    input.opposing_party = opposing.into();
                    input.summary = summary.into();
                    match (matter, rng.next(4)) {
                        ("labor_remuneration" | "injury_work", _) => {
                            input.exemption_code = Some("migrant_worker_wage_or_injury".into());
                            input.exemption_proof_provided = true;
                        }
                        ("abuse_violence_victim", _) => {}
                        (_, 0) => {
                            input.declaration = Some(HouseholdInput {
                                members: 2 + rng.next(3) as u32,
                                monthly_income_fen: 150_000 + 50_000 * rng.next(6) as i64,
                            })
                        }
                        (_, 1) => {
                            input.exemption_code = Some("dibao_recipient".into());
                            input.exemption_proof_provided = true;
                        }
                        _ => {
                            input.household = Some(HouseholdInput {
                                members: 1 + rng.next(4) as u32,
                                monthly_income_fen: 80_000 + 60_000 * rng.next(6) as i64,
                            })
                        }
                    }
                    if rng.next(12) == 0 {
                        input.limitation_date =
                            Some(received.date_naive() + chrono::Duration::days(4));
                    }
                }
            }
            let v =
                crate::applications::create(&at(app, received), &ctx, &input, Some(unit)).await?;
            let id = v.application.id;
            let later =
                |days: i64| received + chrono::Duration::days(days) + chrono::Duration::hours(2);
            // The story of each application: most are decided within the 7 days, some
            // go through a supplement notice, a few are withdrawn, denied and objected to,
            // and the last weeks of December are still open (long overdue by now).
            let recent = now - received < chrono::Duration::days(14);
            let fate = if recent { 9 } else { rng.next(20) };
            let eligible = v.assessment.verdict == legalaid_domain::assessment::Verdict::Eligible;
            let happened = |t: chrono::DateTime<chrono::Utc>| t <= now;
            match fate {
                9 if recent => match n % 3 {
                    // Still under review (overdue after 7 days).
                    0 => {}
                    // A reviewer's proposal awaiting the director.
                    1 if happened(later(2)) => {
                        crate::applications::propose(
                            &at(app, later(2)),
                            &ctx,
                            id,
                            1,
                            Outcome::Granted,
                            "符合法律援助条件，建议给予法律援助。",
                        )
                        .await?;
                    }
                    1 => {}
                    // Denied, and the objection still waits for the bureau.
                    _ if happened(later(4)) => {
                        let d = crate::applications::decide(
                            &at(app, later(2)),
                            &ctx,
                            id,
                            1,
                            Outcome::Denied,
                            "申请人已委托代理人，不符合法律援助条件。",
                        )
                        .await?;
                        crate::applications::object(
                            &at(app, later(4)),
                            &ctx,
                            id,
                            d.application.version,
                            "申请人称已解除委托，请求重新审查。",
                        )
                        .await?;
                    }
                    _ => {}
                },
                0 => {
                    let s = crate::applications::request_supplement(
                        &at(app, later(1)),
                        &ctx,
                        id,
                        1,
                        "1. 身份证复印件；2. 经济困难证明或个人诚信承诺书",
                        "",
                    )
                    .await?;
                    if n.is_multiple_of(2) {
                        let r = crate::applications::supplement_received(
                            &at(app, later(6)),
                            &ctx,
                            id,
                            s.application.version,
                        )
                        .await?;
                        let outcome = if eligible {
                            Outcome::Granted
                        } else {
                            Outcome::Denied
                        };
                        crate::applications::decide(
                            &at(app, later(8)),
                            &ctx,
                            id,
                            r.application.version,
                            outcome,
                            "材料补齐后审查，依法作出决定。",
                        )
                        .await?;
                    } else if happened(later(20)) {
                        // Never supplemented: the job deems it withdrawn after the period.
                        crate::applications::deem_withdrawn_overdue(&at(app, later(20))).await?;
                    }
                }
                1 => {
                    crate::applications::withdraw(&at(app, later(2)), &ctx, id, 1).await?;
                }
                _ if !eligible => {
                    let d = crate::applications::decide(
                        &at(app, later(3)),
                        &ctx,
                        id,
                        1,
                        Outcome::Denied,
                        &v.assessment.reasons.join(""),
                    )
                    .await?;
                    if n.is_multiple_of(3) {
                        let o = crate::applications::object(
                            &at(app, later(6)),
                            &ctx,
                            id,
                            d.application.version,
                            "申请人对不予法律援助的决定有异议，称其家庭收入已发生变化。",
                        )
                        .await?;
                        if let Some(obj) = o.objections.last() {
                            let outcome = if n.is_multiple_of(2) {
                                ObjectionOutcome::Upheld
                            } else {
                                ObjectionOutcome::CorrectionOrdered
                            };
                            crate::applications::decide_objection(
                                &at(app, later(9)),
                                &ctx,
                                obj.id,
                                obj.version,
                                outcome,
                                "经审查，依法作出异议审查决定。",
                            )
                            .await?;
                        }
                    }
                }
                _ => {
                    let reason = if eligible {
                        ""
                    } else {
                        "经集体研究，依法予以援助。"
                    };
                    crate::applications::decide(
                        &at(app, later(1 + (n % 5) as i64)),
                        &ctx,
                        id,
                        1,
                        Outcome::Granted,
                        reason,
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}
