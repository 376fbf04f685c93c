//! The portal's demo: two people applied online this morning from their phones
//! (one with a photo of a pay slip), and one anonymous complaint came in, so the
//! center's reviewer and the bureau have portal work waiting today.

use crate::portal::{self, Photo, Proven};
use crate::{App, AppResult, RequestMeta};
use chrono::Duration;
use legalaid_domain::portal::{PortalApplicationInput, Purpose};
use legalaid_store::portal as store;

/// A proven phone as the code step would leave it (the demo cannot read the
/// texted code, so it opens the session the way `portal::verify` does).
async fn proven(app: &App, phone: &str) -> AppResult<Proven> {
    let secret = crate::auth::random_secret();
    let token_hash = crate::portal::digest(&secret);
    let now = app.clock.now();
    let phone_hash = app.cipher.index(phone);
    let mut tx = app.store.write().await?;
    store::insert_session(
        &mut tx,
        &token_hash,
        &store::SessionRow {
            purpose: Purpose::Apply,
            phone_hash: phone_hash.clone(),
            phone_enc: app.cipher.encrypt(phone),
            application_id: None,
            expires_at: now + Duration::minutes(30),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Proven {
        phone: phone.to_owned(),
        phone_hash,
        application_id: None,
        token_hash,
    })
}

fn meta(n: u8) -> RequestMeta {
    RequestMeta {
        request_id: format!("demo-portal-{n}"),
        ip: format!("10.0.0.{n}"),
    }
}

/// A tiny PNG standing for a photographed pay slip.
const PAY_SLIP: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn resident(first17: &str) -> String {
    let check = legalaid_domain::id_number::check_char(first17).unwrap_or('0');
    format!("{first17}{check}")
}

pub async fn load(app: &App) -> AppResult<()> {
    let people = [
        (
            "13855601201",
            "周玉兰",
            resident("34150419750420004"),
            "341504100",
            "labor_remuneration",
            "某建筑劳务有限公司",
            "在工地做小工五个月，老板拖欠工资九千六百元，多次讨要未果。",
            true,
        ),
        (
            "13855601202",
            "吴德胜",
            resident("34150419520911001"),
            "341504102",
            "support_payment",
            "吴某某",
            "年老多病，子女拒绝支付赡养费。",
            false,
        ),
    ];
    for (i, (phone, name, id, township, matter, opposing, summary, photo)) in
        people.into_iter().enumerate()
    {
        let p = proven(app, phone).await?;
        let input = PortalApplicationInput {
            name: name.into(),
            id_number: id,
            township: township.into(),
            address: String::new(),
            matter_code: matter.into(),
            opposing_party: opposing.into(),
            summary: summary.into(),
            means: "declaration".into(),
            members: "2".into(),
            monthly_income_yuan: "1300".into(),
            honesty: Some("true".into()),
            consent: Some("true".into()),
            ..Default::default()
        };
        let photos = if photo {
            vec![Photo {
                filename: "工资条.png".into(),
                bytes: PAY_SLIP.to_vec(),
            }]
        } else {
            Vec::new()
        };
        let n = u8::try_from(i + 1).unwrap_or(1);
        portal::apply(app, &meta(n), &p, &input, photos).await?;
    }
    let units = portal::respondents(app).await?;
    if let Some(center) = units
        .iter()
        .find(|u| u.kind == legalaid_domain::unit::UnitKind::LegalAidCenter)
    {
        portal::complain(
            app,
            &meta(9),
            None,
            &portal::ComplaintForm {
                anonymous: Some("1".into()),
                respondent_unit_id: center.id.0.to_string(),
                category: "intake_or_assignment".into(),
                facts: "到中心咨询时，窗口工作人员没有一次性告知需要的材料，来回跑了三趟。".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
