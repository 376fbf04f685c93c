//! Applicants and recipients: register, find by ID number, show (masked), reveal
//! the full ID number (audited), update.

pub mod import;
pub mod merge;

use crate::paging::{self, Listed};
use crate::{App, AppError, AppResult, Ctx, Page, audit, policy, units};
use legalaid_domain::PersonId;
use legalaid_domain::UnitId;
use legalaid_domain::audit::AuditAction;
use legalaid_domain::person::{Person, PersonCard, PersonFields, PersonInput};
use legalaid_domain::role::Role;
use legalaid_domain::visibility::{Scope, register_region};
use legalaid_store::persons::{self as store, PersonRecord};
use legalaid_store::{StoreError, Tx};

/// Who registers people and sees their full ID numbers: intake and review staff.
pub fn can_register(ctx: &Ctx) -> bool {
    match &ctx.actor {
        None => true,
        Some(a) => [
            Role::SystemAdmin,
            Role::IntakeClerk,
            Role::CenterReviewer,
            Role::CenterDirector,
        ]
        .iter()
        .any(|r| a.has(*r)),
    }
}

fn ensure_register(ctx: &Ctx) -> AppResult<()> {
    if can_register(ctx) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

fn today(app: &App) -> chrono::NaiveDate {
    crate::clock::china_time(app.clock.now()).date_naive()
}

/// The keyed hash an ID number is found by (the number normalised as the domain does).
fn lookup_hash(app: &App, number: &str) -> String {
    app.cipher.index(&number.trim().to_ascii_uppercase())
}

async fn visible(tx: &mut Tx, ctx: &Ctx, id: PersonId) -> AppResult<Person> {
    let p = store::get(tx, id).await?.ok_or(AppError::NotFound)?;
    units::visible(tx, ctx, p.unit_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(p)
}

fn record<'a>(
    f: &'a PersonFields,
    enc: &'a str,
    hash: &'a str,
    masked: &'a str,
) -> PersonRecord<'a> {
    PersonRecord {
        name: &f.name,
        id_type: f.id.id_type,
        id_number_enc: enc,
        id_number_hash: hash,
        id_number_masked: masked,
        sex: f.sex,
        birth_date: f.birth_date,
        ethnicity: &f.ethnicity,
        phone: &f.phone,
        address: &f.address,
        household_registration: &f.household_registration,
        education: &f.education,
        occupation: &f.occupation,
        groups: &f.groups,
    }
}

/// The part of the person register the caller searches: intake and review staff
/// search their district ([`register_region`]); everyone else sees only the
/// persons of the units they see.
pub fn register_scope(ctx: &Ctx) -> Scope {
    let own = policy::scope(ctx);
    if !can_register(ctx) {
        return own;
    }
    match (&own, ctx.actor.as_ref().and_then(|a| a.unit.as_ref())) {
        (Scope::All, _) => Scope::All,
        (_, Some(u)) => Scope::Region(register_region(&u.region_code)),
        _ => own,
    }
}

/// Whether the caller may take an application for `p`: a person of a unit it sees,
/// or one registered in the district it searches.
pub(crate) async fn reachable(tx: &mut Tx, ctx: &Ctx, p: &Person) -> AppResult<bool> {
    if let Some(into) = p.merged_into {
        return Err(AppError::Conflict(format!(
            "该当事人登记已合并至当事人编号 {}，请对合并后的记录办理",
            into.0
        )));
    }
    let Some(unit) = legalaid_store::units::get(tx, p.unit_id).await? else {
        return Ok(false);
    };
    Ok(policy::sees(ctx, &unit) || register_scope(ctx).covers(unit.id, &unit.region_code))
}

/// How an intake unit looks a person up in the register.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// The full number of any identity document.
    IdNumber(&'a str),
    /// The exact name and the date of birth.
    NameAndBirth(&'a str, chrono::NaiveDate),
}

/// At most this many persons answer a name-and-birth-date lookup.
pub const LOOKUP_LIMIT: i64 = 20;

/// Finds persons in the caller's register (its district) for intake, as cards:
/// name, masked ID, sex, birth date, phone and the registering unit. A card of
/// another unit's person is recorded in the audit trail (`person.lookup`).
pub async fn lookup(app: &App, ctx: &Ctx, by: Lookup<'_>) -> AppResult<Vec<PersonCard>> {
    ensure_register(ctx)?;
    let scope = register_scope(ctx);
    let mut tx = app.store.write().await?;
    let found = match by {
        Lookup::IdNumber(number) => {
            let number = number.trim();
            if number.is_empty() {
                return Err(AppError::field("id_number", "请输入完整的证件号码"));
            }
            // A merged registration's number leads to the record it was merged into.
            match store::find_by_hash(&mut tx, &lookup_hash(app, number)).await? {
                Some(p) => vec![store::survivor(&mut tx, p).await?],
                None => Vec::new(),
            }
        }
        Lookup::NameAndBirth(name, birth) => {
            let name = name.trim();
            if name.is_empty() {
                return Err(AppError::field("name", "请输入姓名"));
            }
            store::find_by_name_and_birth(&mut tx, &scope, name, birth, LOOKUP_LIMIT).await?
        }
    };
    let how = match by {
        Lookup::IdNumber(_) => "id_number",
        Lookup::NameAndBirth(..) => "name_and_birth_date",
    };
    let mut cards = Vec::new();
    for p in found {
        if let Some(card) = card_in_register(app, &mut tx, ctx, &p, how).await? {
            cards.push(card);
        }
    }
    tx.commit().await?;
    Ok(cards)
}

/// The card of `p` if it lies in the caller's register (its own units' persons or
/// the district's), writing `person.lookup` to the audit trail when another unit
/// registered the person. `how`: the key it was found by.
async fn card_in_register(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    p: &Person,
    how: &str,
) -> AppResult<Option<PersonCard>> {
    let Some(unit) = legalaid_store::units::get(tx, p.unit_id).await? else {
        return Ok(None);
    };
    let own = policy::sees(ctx, &unit);
    if !own && !register_scope(ctx).covers(unit.id, &unit.region_code) {
        return Ok(None);
    }
    if !own {
        audit::record(
            app,
            tx,
            ctx,
            AuditAction::PersonLookup,
            p.id,
            None::<&()>,
            Some(&serde_json::json!({ "by": how, "registered_by": unit.id.0 })),
        )
        .await?;
    }
    Ok(Some(PersonCard::of(p, unit.name)))
}

/// The card of one person of the caller's register (the applicant chosen on the
/// intake form). Audited like a lookup when another unit registered the person.
pub async fn card(app: &App, ctx: &Ctx, id: PersonId) -> AppResult<PersonCard> {
    let mut tx = app.store.write().await?;
    let p = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let card = card_in_register(app, &mut tx, ctx, &p, "id")
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(card)
}

/// The message for a number that is already registered; names the record when
/// the caller may take applications for it (it leads intake to that record).
async fn duplicate(tx: &mut Tx, ctx: &Ctx, hash: &str) -> AppResult<AppError> {
    let found = store::find_by_hash(tx, hash).await?;
    let reachable = match &found {
        Some(p) => reachable(tx, ctx, p).await?,
        None => false,
    };
    Ok(match found {
        Some(p) if reachable => AppError::Duplicate {
            field: "id_number".into(),
            message: format!(
                "该证件号码已登记（当事人编号 {}，{}），请直接使用已有记录",
                p.id, p.name
            ),
        },
        Some(_) => AppError::Conflict("该证件号码已由其他单位登记，请联系法律援助中心".into()),
        None => AppError::Conflict("该证件号码已登记".into()),
    })
}

/// Registers a person for the caller's unit (or `unit` for callers without one).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: &PersonInput,
    unit: Option<UnitId>,
) -> AppResult<Person> {
    ensure_register(ctx)?;
    let f = input.validate(today(app))?;
    let unit_id = match (ctx.actor.as_ref().and_then(|a| a.unit.as_ref()), unit) {
        (Some(u), _) => u.id,
        (None, Some(u)) => u,
        (None, None) => return Err(AppError::field("unit_id", "请指定登记单位")),
    };
    let hash = app.cipher.index(&f.id.number);
    let enc = app.cipher.encrypt(&f.id.number);
    let masked = f.id.masked();
    let mut tx = app.store.write().await?;
    units::visible(&mut tx, ctx, unit_id)
        .await
        .map_err(|_| AppError::field("unit_id", "登记单位不存在"))?;
    if store::find_by_hash(&mut tx, &hash).await?.is_some() {
        return Err(duplicate(&mut tx, ctx, &hash).await?);
    }
    let person = match store::insert(
        &mut tx,
        &record(&f, &enc, &hash, &masked),
        unit_id,
        app.clock.now(),
    )
    .await
    {
        Ok(p) => p,
        Err(StoreError::Duplicate(_)) => {
            // Registered meanwhile by another request: on PostgreSQL the failed
            // insert has aborted this transaction, so say who holds it from a new one.
            drop(tx);
            let mut tx = app.store.read().await?;
            return Err(duplicate(&mut tx, ctx, &hash).await?);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonCreate,
        person.id,
        None::<&()>,
        Some(&person),
    )
    .await?;
    tx.commit().await?;
    Ok(person)
}

/// The person with this ID number, or a new one registered for `unit_id`,
/// inside the caller's transaction (an online application, ADR 0020). Whether
/// the person was found is told to the caller only; the portal says nothing of it.
pub(crate) async fn find_or_register(
    app: &App,
    tx: &mut Tx,
    ctx: &Ctx,
    input: &PersonInput,
    unit_id: UnitId,
) -> AppResult<(Person, bool)> {
    let f = input.validate(today(app))?;
    let hash = app.cipher.index(&f.id.number);
    if let Some(p) = store::find_by_hash(tx, &hash).await? {
        // A merged registration's applications go to the record it was merged into.
        return Ok((store::survivor(tx, p).await?, true));
    }
    let enc = app.cipher.encrypt(&f.id.number);
    let masked = f.id.masked();
    let person = store::insert(
        tx,
        &record(&f, &enc, &hash, &masked),
        unit_id,
        app.clock.now(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Duplicate(_) => AppError::Conflict("该证件号码正在办理登记，请稍后再试".into()),
        e => e.into(),
    })?;
    audit::record(
        app,
        tx,
        ctx,
        AuditAction::PersonCreate,
        person.id,
        None::<&()>,
        Some(&person),
    )
    .await?;
    Ok((person, false))
}

pub async fn get(app: &App, ctx: &Ctx, id: PersonId) -> AppResult<Person> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await
}

/// The person with exactly this ID number, if the caller may see them.
pub async fn find_by_id_number(app: &App, ctx: &Ctx, number: &str) -> AppResult<Option<Person>> {
    let mut tx = app.store.read().await?;
    let Some(p) = store::find_by_hash(&mut tx, &lookup_hash(app, number)).await? else {
        return Ok(None);
    };
    let p = store::survivor(&mut tx, p).await?;
    Ok(units::visible(&mut tx, ctx, p.unit_id)
        .await
        .ok()
        .map(|_| p))
}

/// Persons registered in the caller's scope, by part of the name, newest first:
/// the numbered `page` or the one after the person `after`, counted up to the cap.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    page: Page,
    after: Option<PersonId>,
) -> AppResult<Listed<Person>> {
    let mut tx = app.store.read().await?;
    let at = paging::at(page, after.map(|p| p.0));
    let found = store::list(&mut tx, &policy::scope(ctx), q, at).await?;
    Ok(Listed::of(found, |p| p.id.0.to_string()))
}

/// The full ID number. Each reveal is recorded in the audit trail (who, when, whose).
pub async fn reveal_id_number(app: &App, ctx: &Ctx, id: PersonId) -> AppResult<String> {
    let mut tx = app.store.write().await?;
    visible(&mut tx, ctx, id).await?;
    ensure_register(ctx)?;
    let enc = store::encrypted_id_number(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let number = app
        .cipher
        .decrypt(&enc)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonRevealIdNumber,
        id,
        None::<&()>,
        Some(&serde_json::json!({ "viewed": "id_number" })),
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: PersonId,
    version: i64,
    input: &PersonInput,
) -> AppResult<Person> {
    let f = input.validate(today(app))?;
    let hash = app.cipher.index(&f.id.number);
    let enc = app.cipher.encrypt(&f.id.number);
    let masked = f.id.masked();
    let mut tx = app.store.write().await?;
    let before = visible(&mut tx, ctx, id).await?;
    ensure_register(ctx)?;
    if store::find_by_hash(&mut tx, &hash)
        .await?
        .is_some_and(|p| p.id != id)
    {
        return Err(duplicate(&mut tx, ctx, &hash).await?);
    }
    let after = store::update(
        &mut tx,
        id,
        version,
        &record(&f, &enc, &hash, &masked),
        app.clock.now(),
    )
    .await?;
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonUpdate,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// How a person wants to be contacted about their case (full-process notification).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub email: String,
    /// The person asked not to receive text messages.
    pub sms_opt_out: bool,
    /// The usual phone is not safe (e.g. shared with an abuser): only the channel named below.
    pub unsafe_usual_phone: bool,
    /// `sms`, `email` or `in_app`; with `unsafe_usual_phone`.
    pub safe_channel: Option<String>,
    /// The phone number or e-mail address on the safe channel.
    pub safe_contact: String,
}

pub async fn contact(app: &App, ctx: &Ctx, id: PersonId) -> AppResult<ContactInput> {
    let mut tx = app.store.read().await?;
    visible(&mut tx, ctx, id).await?;
    let c = legalaid_store::messages::person_contact(&mut tx, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ContactInput {
        email: c.email,
        sms_opt_out: c.sms_opt_out,
        unsafe_usual_phone: c.unsafe_usual_phone,
        safe_channel: c.safe_channel,
        safe_contact: c.safe_contact,
    })
}

/// Records how a person may be contacted; audited like every change of personal data.
pub async fn set_contact(
    app: &App,
    ctx: &Ctx,
    id: PersonId,
    input: &ContactInput,
) -> AppResult<ContactInput> {
    use legalaid_domain::notice::Channel;
    let mut v = legalaid_domain::Validation::new();
    let email = input.email.trim().to_owned();
    if !email.is_empty() && (email.len() > 200 || !email.contains('@') || email.contains(' ')) {
        v.add("email", "电子邮箱格式不正确");
    }
    let channel = match input
        .safe_channel
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(c) => {
            let p = Channel::parse(c);
            if p.is_none() {
                v.add("safe_channel", "安全联系渠道应为短信、电子邮件或站内消息");
            }
            p
        }
        None => None,
    };
    let safe_contact = input.safe_contact.trim().to_owned();
    if input.unsafe_usual_phone {
        match channel {
            None => v.add("safe_channel", "常用电话不安全时，须指定一个安全的联系渠道"),
            Some(Channel::Sms) if !legalaid_domain::validation::is_phone(&safe_contact) => {
                v.add("safe_contact", "请填写安全的手机号码")
            }
            Some(Channel::Email) if !safe_contact.contains('@') => {
                v.add("safe_contact", "请填写安全的电子邮箱")
            }
            _ => {}
        }
    }
    if !v.is_empty() {
        return Err(AppError::Validation(v.errors().to_vec()));
    }
    let mut tx = app.store.write().await?;
    visible(&mut tx, ctx, id).await?;
    ensure_register(ctx)?;
    let before = legalaid_store::messages::person_contact(&mut tx, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = legalaid_store::messages::ContactRow {
        name: before.name.clone(),
        phone: before.phone.clone(),
        email,
        sms_opt_out: input.sms_opt_out,
        unsafe_usual_phone: input.unsafe_usual_phone,
        safe_channel: if input.unsafe_usual_phone {
            channel.map(|c| c.as_str().to_owned())
        } else {
            None
        },
        safe_contact: if input.unsafe_usual_phone {
            safe_contact
        } else {
            String::new()
        },
    };
    legalaid_store::messages::set_person_contact(&mut tx, id.0, &row).await?;
    let after = ContactInput {
        email: row.email.clone(),
        sms_opt_out: row.sms_opt_out,
        unsafe_usual_phone: row.unsafe_usual_phone,
        safe_channel: row.safe_channel.clone(),
        safe_contact: row.safe_contact.clone(),
    };
    let old = ContactInput {
        email: before.email,
        sms_opt_out: before.sms_opt_out,
        unsafe_usual_phone: before.unsafe_usual_phone,
        safe_channel: before.safe_channel,
        safe_contact: before.safe_contact,
    };
    audit::record(
        app,
        &mut tx,
        ctx,
        AuditAction::PersonContact,
        id,
        Some(&old),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
