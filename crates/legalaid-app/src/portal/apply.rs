//! The online application: a proven phone, the person's identity, the matter
//! and facts, the means or the exemption, the honesty declaration, consent to
//! the processing of personal data, photos of documents. It becomes an
//! application of channel `online` at the center of the person's county, in its
//! queue with its deadlines, in one transaction; the number goes out by SMS.

use super::{Proven, count, info::units_for_portal};
use crate::{App, AppError, AppResult, RequestMeta, attachments, outbox};
use legalaid_domain::notice::MessageKind;
use legalaid_domain::person::PersonInput;
use legalaid_domain::placeholder::Placeholder as P;
use legalaid_domain::portal::{Counter, PortalApplicationInput, receiving_center};
use legalaid_domain::rules::MatterCategory;
use legalaid_domain::{ApplicationId, local_date};
use legalaid_store::portal as store;

/// Photos of documents an online application may carry, and their size.
pub const MAX_PHOTOS: usize = 3;
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// An uploaded photo as the form gives it.
#[derive(Debug, Clone)]
pub struct Photo {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// What the person is told after applying.
#[derive(Debug, Clone)]
pub struct Applied {
    pub id: ApplicationId,
    pub number: String,
    pub center: String,
    pub center_phone: String,
    pub center_address: String,
    /// When the decision is due (LAL art 43: 7 working days).
    pub decide_by: Option<chrono::NaiveDate>,
}

pub async fn apply(
    app: &App,
    meta: &RequestMeta,
    proven: &Proven,
    input: &PortalApplicationInput,
    photos: Vec<Photo>,
) -> AppResult<Applied> {
    let now = app.clock.now();
    let today = local_date(now);
    let (who, mut application) = input.validate(now, today).map_err(AppError::Validation)?;
    if photos.len() > MAX_PHOTOS {
        return Err(AppError::field(
            "photos",
            format!("最多上传{MAX_PHOTOS}张材料照片"),
        ));
    }
    let units = units_for_portal(app).await?;
    let center = receiving_center(&who.township, &units)
        .cloned()
        .ok_or_else(|| AppError::field("township", "所选乡镇（街道）没有对应的法律援助中心"))?;
    if application.service_form.is_empty() {
        // A person need not know the forms of aid: the matter suggests one,
        // which the center corrects on review.
        let mut tx = app.store.read().await?;
        let rules = crate::in_force::in_force(app, &mut tx).await?.rules.clone();
        drop(tx);
        let category = rules
            .matter(&application.matter_code, center.region_code.as_str(), today)
            .map(|m| m.category);
        application.service_form = match category {
            Some(MatterCategory::Criminal) => "criminal_defense",
            _ => "litigation_representation",
        }
        .into();
    }
    let l = super::limits(app).await?;
    count(app, &l, Counter::ApplicationsPerAddress, &meta.ip).await?;
    count(app, &l, Counter::ApplicationsPerPhone, &proven.phone).await?;
    let mut prepared = Vec::with_capacity(photos.len());
    for (i, p) in photos.into_iter().enumerate() {
        prepared.push(
            attachments::prepare(
                app,
                "photos",
                &p.filename,
                &format!("网上申请材料照片{}", i + 1),
                p.bytes,
                true,
                MAX_PHOTO_BYTES,
            )
            .await?,
        );
    }
    let ctx = super::ctx(meta);
    let mut tx = app.store.write().await?;
    // The session is spent by this application: a second submission of the
    // same form (a double tap, a replay) finds none and is refused.
    if !store::end_session(&mut tx, &proven.token_hash).await? {
        return Err(AppError::Unauthenticated(
            "验证已失效，请重新验证手机号码".into(),
        ));
    }
    let person_input = PersonInput {
        name: who.name.clone(),
        id_type: "resident_id".into(),
        id_number: who.id_number.clone(),
        phone: proven.phone.clone(),
        address: who.address.clone(),
        ..Default::default()
    };
    let (person, existing) =
        crate::persons::find_or_register(app, &mut tx, &ctx, &person_input, center.id).await?;
    application.applicant_id = Some(person.id);
    let v = crate::applications::create_in(app, &mut tx, &ctx, &application, center.id).await?;
    let id = v.application.id;
    for p in &prepared {
        attachments::record(app, &mut tx, &ctx, (id, None), p).await?;
    }
    store::insert_application(
        &mut tx,
        &store::NewPortalApplication {
            application_id: id.0,
            phone_hash: &proven.phone_hash,
            phone_enc: &app.cipher.encrypt(&proven.phone),
            declared_name: &who.name,
            name_matches: person.name == who.name,
            township_code: &who.township,
            at: now,
        },
    )
    .await?;
    // A person already registered is told at the phone on record; the phone
    // just proven is told too, so the applicant has the number in hand.
    if existing && person.phone != proven.phone {
        let mut values = outbox::Values::new();
        values.insert(P::Name, who.name.clone());
        values.insert(P::Number, v.application.number.clone());
        values.insert(P::Unit, center.name.clone());
        outbox::to_phone(
            &mut tx,
            MessageKind::ApplicationAccepted,
            &proven.phone,
            values,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let decide_by = v
        .deadlines
        .iter()
        .find(|d| !d.met && d.code == "review_decision")
        .or_else(|| v.deadlines.iter().find(|d| !d.met))
        .map(|d| d.due);
    Ok(Applied {
        id,
        number: v.application.number,
        center: center.name,
        center_phone: center.phone,
        center_address: center.address,
        decide_by,
    })
}
