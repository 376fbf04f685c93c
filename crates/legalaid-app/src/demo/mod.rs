//! The demo data set: the Yeji District (Lu'an, Anhui) jurisdiction with its
//! bureau, legal aid center, judicial offices, workstations, law firms and lawyers,
//! and one account per role. Names are generated; any likeness is coincidence.
//!
//! Everything is written through the use cases, so the demo's own creation is in
//! the audit trail like any other change.

use crate::auth::hash_password;
use crate::{App, AppResult, Ctx, audit, staff, units};
use legalaid_domain::audit::AuditAction;
use legalaid_domain::role::Role;
use legalaid_domain::staff::StaffInput;
use legalaid_domain::unit::{Unit, UnitInput};
use legalaid_domain::user::UserFields;
use legalaid_domain::{StaffId, UnitId};
use legalaid_store::users;

mod applications;
mod cases;
mod complaints;
mod excellent;
mod outreach;
mod portal;
// Surveys and training (issue 11).
mod quality;
mod supervision;
mod surveys;
mod today;

/// The password of every demo account (stated in the README).
pub const DEMO_PASSWORD: &str = "Legalaid@2024";

/// The demo accounts of the bureau and the center, and the outside expert of the
/// file review pool (a lawyer of [`quality::EXPERT_FIRM`]): username, display
/// name, role.
/// Besides these, each judicial office has a clerk ([`OFFICE_CLERKS`]) and each
/// demo lawyer an account of their own (`lawyer`, `lawyer2` … `lawyer30`).
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("sysadmin", "信息科 周明", Role::SystemAdmin),
    ("supervisor", "法律援助科 陈静", Role::BureauSupervisor),
    ("reviewer", "审查员 刘洋", Role::CenterReviewer),
    ("director", "中心主任 王海", Role::CenterDirector),
    ("quality", "评查员 孙丽", Role::QualityReviewer),
    (
        "expert",
        "评查专家 黄建国（安徽明泽律师事务所）",
        Role::Expert,
    ),
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

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
pub(crate) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "文", "辉", "建华", "玉兰", "志强", "海燕", "国庆", "晓东",
    "春梅", "立新",
];

/// A demo account to create: username, display name, role, unit, staff record.
type Account = (String, String, Role, Option<UnitId>, Option<StaffId>);

/// A small deterministic generator, so the demo is the same on every machine.
pub(crate) struct Lcg(pub(crate) u64);
impl Lcg {
    pub(crate) fn next(&mut self, n: usize) -> usize {
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
        office_hours: office_hours(kind).into(),
        active: true,
    }
}

/// When a demo unit receives the public: offices keep working hours, the
/// workstations in courts and detention houses the host's.
fn office_hours(kind: &str) -> &'static str {
    match kind {
        "legal_aid_center" | "judicial_office" | "justice_bureau" => {
            "工作日 8:30-12:00、14:30-17:30"
        }
        "workstation" => "工作日 9:00-12:00、14:30-17:00",
        _ => "工作日 9:00-17:30",
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

/// The context of demo account `username`, as if it had signed in; None when
/// there is no such account.
async fn as_user(app: &App, username: &str) -> AppResult<Option<Ctx>> {
    let mut tx = app.store.read().await?;
    match users::find_for_login(&mut tx, username).await? {
        Some((user, _)) => Ok(Some(signed_in(&mut tx, user).await?)),
        None => Ok(None),
    }
}

/// The context of the account of staff member `staff_id` (a handler), if any.
async fn as_staff(app: &App, staff_id: i64) -> AppResult<Option<Ctx>> {
    let mut tx = app.store.read().await?;
    match users::of_staff(&mut tx, staff_id).await? {
        Some(user) => Ok(Some(signed_in(&mut tx, user).await?)),
        None => Ok(None),
    }
}

async fn signed_in(
    tx: &mut legalaid_store::Tx,
    user: legalaid_domain::user::User,
) -> AppResult<Ctx> {
    let unit = match user.unit_id {
        Some(u) => legalaid_store::units::get(tx, u).await?,
        None => None,
    };
    let meta = crate::ctx::RequestMeta {
        request_id: "demo".into(),
        ip: "local".into(),
    };
    Ok(Ctx::user(crate::ctx::Actor { user, unit }, meta))
}

/// A use case's input from JSON, as the API would send it.
fn input<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> AppResult<T> {
    serde_json::from_value(v).map_err(|e| crate::AppError::Conflict(format!("demo input: {e}")))
}

/// The instant of a local (China) day at `hour`.
fn on(d: chrono::NaiveDate, hour: u32) -> chrono::DateTime<chrono::Utc> {
    (d.and_hms_opt(hour, 0, 0).unwrap_or_default() - chrono::Duration::hours(8)).and_utc()
}

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
        let unit = if *role == Role::Expert {
            created
                .iter()
                .find(|u| u.name == quality::EXPERT_FIRM)
                .map(|u| u.id)
        } else {
            of_kind(kind)
        };
        accounts.push(((*username).into(), (*display).into(), *role, unit, None));
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
            legalaid_store::capped::At::<(chrono::DateTime<chrono::Utc>, i64)>::Page(crate::Page {
                page: 1,
                per_page: 1,
            }),
        )
        .await?
        .items
        .is_empty()
        {
            return Ok(false);
        }
    }
    let units = crate::units::all_visible(app, &Ctx::system("demo")).await?;
    // Last year as history, and this year up to today: the demo lives on the clock.
    let this_year = chrono::Datelike::year(&legalaid_domain::local_date(app.clock.now()));
    for year in [this_year - 1, this_year] {
        applications::load(app, &units, year).await?;
    }
    cases::load(app).await?;
    today::load(app, &units).await?;
    portal::load(app).await?;
    quality::load(app).await?;
    excellent::load(app).await?;
    outreach::load(app).await?;
    surveys::load(app, &units).await?;
    supervision::load(app).await?;
    // The demo's messages are history: they were delivered when they were written.
    let mut tx = app.store.write().await?;
    legalaid_store::messages::mark_history_sent(&mut tx, "demo").await?;
    tx.commit().await?;
    Ok(true)
}
