//! Where a case or a denial counts on each form: (column, amount) pairs.

use super::{
    CaseFacts, Complaint, Consultation, Denial, FormCode, HandlerClass, Subsidy, Workstation,
};
use crate::application::{Channel, DenialReason, ProceduralRole};
use crate::case::{Adoption, CaseOutcome, CaseType, Stage};
use crate::complaint::{ComplainantRemedy, ComplaintCategory, ComplaintOutcome};
use crate::outreach::consultation::{ConsultChannel, ConsultGroup, ConsultOutcome, TopicCategory};
use crate::person::RecipientGroup;
use crate::unit::WorkstationHost;

const ADMINISTRATIVE_MATTERS: [&str; 2] = ["state_compensation", "retrial_acquittal_compensation"];
const PETITION: &str = "retrial_petition";

/// The groups of 表八 and 表九, in their order; 表六 and 表七 take the first eight.
const GROUPS9: [RecipientGroup; 9] = [
    RecipientGroup::Woman,
    RecipientGroup::Disabled,
    RecipientGroup::Farmer,
    RecipientGroup::MigrantWorker,
    RecipientGroup::Elderly,
    RecipientGroup::Minor,
    RecipientGroup::MilitaryFamily,
    RecipientGroup::EthnicMinority,
    RecipientGroup::ForeignerStateless,
];

pub(super) type Hits = Vec<(u32, i64)>;

fn has(f: &CaseFacts, g: RecipientGroup) -> bool {
    f.groups.contains(&g)
}

fn is_notified(f: &CaseFacts) -> bool {
    f.channel == Channel::Notified
}

/// Litigation or not, as 表六/七/十 split closed cases: a non-litigation case,
/// or one that ended by an arbitration award (劳动仲裁), is non-litigation.
fn litigation(f: &CaseFacts) -> bool {
    f.case_type != CaseType::NonLitigation && f.outcome != Some(CaseOutcome::ArbitrationAward)
}

/// The case table a case or a denial belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Criminal,
    Civil,
    Administrative,
}

/// 表五 by type; 表七 for an administrative case or a state-compensation
/// matter (the rule denials follow too); 表六 the rest.
fn table_of(case_type: CaseType, matter: &str) -> Table {
    match case_type {
        CaseType::Criminal => Table::Criminal,
        CaseType::Administrative => Table::Administrative,
        _ if ADMINISTRATIVE_MATTERS.contains(&matter) => Table::Administrative,
        _ => Table::Civil,
    }
}

fn table(f: &CaseFacts) -> Table {
    table_of(f.case_type, &f.matter_code)
}

/// The criminal table's cells of a case (表五).
fn criminal(f: &CaseFacts) -> Hits {
    let mut h = vec![(1, 1)];
    if f.matter_code == PETITION {
        h.push((2, 1));
    } else if f.matter_code == "compulsory_medical" {
        h.push((14, 1));
    } else if is_notified(f) {
        h.push((
            match f.stage {
                Stage::Investigation => 3,
                Stage::ProsecutionReview => 4,
                Stage::Trial => 5,
                Stage::SecondInstance => 6,
                _ => 7,
            },
            1,
        ));
        h.push((
            if has(f, RecipientGroup::Minor) {
                8
            } else if has(f, RecipientGroup::BlindDeafMute) {
                9
            } else if has(f, RecipientGroup::MentalIllness) {
                10
            } else if f.matter_code == "death_penalty_review" {
                11
            } else {
                12
            },
            1,
        ));
        h.push((13, 1));
    } else {
        // On application: forwarded by custody (the police's detention house)
        // or applied directly, by the applicant's role; each one granted.
        if f.channel == Channel::CustodyForwarded {
            h.extend([(15, 1), (19, 1)]);
        } else {
            h.extend([(role_column(f.procedural_role, 20), 1), (24, 1)]);
        }
        h.extend([(role_column(f.procedural_role, 25), 1), (29, 1)]);
    }
    for (n, g) in [
        (30, RecipientGroup::Woman),
        (31, RecipientGroup::Disabled),
        (32, RecipientGroup::BlindDeafMute),
        (33, RecipientGroup::Farmer),
        (34, RecipientGroup::MigrantWorker),
        (35, RecipientGroup::Elderly),
        (36, RecipientGroup::Minor),
        (37, RecipientGroup::MilitaryFamily),
        (38, RecipientGroup::EthnicMinority),
        (39, RecipientGroup::ForeignerStateless),
    ] {
        if has(f, g) {
            h.push((n, 1));
        }
    }
    if f.concluded {
        let c = if f.terminated {
            Some(43)
        } else {
            match f.adoption {
                Some(Adoption::Adopted) => Some(40),
                Some(Adoption::PartlyAdopted) => Some(41),
                Some(Adoption::NotAdopted) => Some(42),
                _ => None,
            }
        };
        // An ending the form has no column for breaks 44 = 40+41+42+43: named.
        h.push((44, 1));
        if let Some(c) = c {
            h.push((c, 1));
        }
        h.push((45, f.amount_fen));
    } else {
        h.push((46, 1));
    }
    h
}

/// 犯罪嫌疑人 / 被告人 / 被害人 / 自诉人 from `first`; a role the form has no
/// column for counts as the defendant's (the person defended).
fn role_column(role: Option<ProceduralRole>, first: u32) -> u32 {
    first
        + match role {
            Some(ProceduralRole::Suspect) => 0,
            Some(ProceduralRole::Victim | ProceduralRole::CivilPlaintiff) => 2,
            Some(ProceduralRole::PrivateProsecutor) => 3,
            _ => 1,
        }
}

/// The civil table's cells of a case (表六: civil and non-litigation cases).
fn civil(f: &CaseFacts) -> Hits {
    let mut h = vec![(1, 1), (2, 1)];
    let migrant = has(f, RecipientGroup::MigrantWorker);
    match f.matter_code.as_str() {
        "social_insurance_assistance" => {
            h.push((3, 1));
            if migrant {
                h.push((5, 1));
            }
        }
        "support_payment" => h.extend([(6, 1), (7, 1)]),
        "abuse_violence_victim" => h.extend([(6, 1), (8, 1)]),
        "labor_remuneration" => {
            h.push((9, 1));
            if migrant {
                h.push((10, 1));
            }
        }
        "injury_work" => {
            h.push((11, 1));
            if migrant {
                h.push((12, 1));
            }
        }
        "labor_dispute_compensation" => h.push((13, 1)),
        "injury_traffic" => h.push((14, 1)),
        "injury_medical" => h.push((15, 1)),
        "product_quality_damage" | "injury_food_drug" | "agri_input_loss" => h.push((16, 1)),
        "environment_damage" | "ultra_hazardous_damage" => h.push((17, 1)),
        "heroic_act" => h.push((18, 1)),
        PETITION => h.push((19, 1)),
        _ => h.push((20, 1)),
    }
    h.extend(group_hits(f, &GROUPS9[..8], 25));
    if f.concluded {
        h.push((33, 1));
        let c = if litigation(f) {
            let c = if f.terminated {
                Some(38)
            } else {
                match f.outcome {
                    Some(CaseOutcome::JudgmentWon | CaseOutcome::JudgmentPartlyWon) => Some(34),
                    Some(CaseOutcome::JudgmentLost) => Some(35),
                    Some(CaseOutcome::Mediation | CaseOutcome::Settlement) => Some(36),
                    Some(CaseOutcome::Withdrawal) => Some(37),
                    _ => None,
                }
            };
            h.push((39, 1));
            c
        } else {
            let c = if f.terminated {
                Some(43)
            } else {
                match f.outcome {
                    Some(CaseOutcome::Mediation) => Some(40),
                    Some(CaseOutcome::Settlement) => Some(41),
                    Some(CaseOutcome::ArbitrationAward) => Some(42),
                    _ => None,
                }
            };
            h.push((44, 1));
            c
        };
        if let Some(c) = c {
            h.push((c, 1));
        }
        h.push((45, f.amount_fen));
        if migrant && f.matter_code == "labor_remuneration" {
            h.push((46, f.amount_fen));
        }
    } else {
        h.push((47, 1));
    }
    h
}

/// The administrative table's cells of a case (表七).
fn administrative(f: &CaseFacts) -> Hits {
    let mut h = vec![(1, 1), (2, 1)];
    let migrant = has(f, RecipientGroup::MigrantWorker);
    match f.matter_code.as_str() {
        "state_compensation" | "retrial_acquittal_compensation" => h.push((3, 1)),
        "social_insurance_assistance" => {
            h.push((4, 1));
            if migrant {
                h.push((6, 1));
            }
        }
        "injury_work" => {
            h.push((7, 1));
            if migrant {
                h.push((8, 1));
            }
        }
        "pension_bereavement" => h.push((10, 1)),
        PETITION => h.push((11, 1)),
        _ => h.push((12, 1)),
    }
    h.extend(group_hits(f, &GROUPS9[..8], 17));
    if f.concluded && !litigation(f) {
        h.extend([(30, 1), (32, 1)]);
        if f.terminated {
            h.push((31, 1));
        }
        h.push((33, f.amount_fen));
    } else if f.concluded {
        // An administrative case that ends by mediation or settlement ends, in
        // administrative procedure, by withdrawal (撤诉).
        let c = if f.terminated {
            Some(29)
        } else {
            match f.outcome {
                Some(CaseOutcome::JudgmentWon | CaseOutcome::JudgmentPartlyWon) => Some(26),
                Some(CaseOutcome::JudgmentLost) => Some(27),
                Some(
                    CaseOutcome::Withdrawal | CaseOutcome::Mediation | CaseOutcome::Settlement,
                ) => Some(28),
                _ => None,
            }
        };
        h.extend([(25, 1), (32, 1)]);
        if let Some(c) = c {
            h.push((c, 1));
        }
        h.push((33, f.amount_fen));
    } else {
        h.push((34, 1));
    }
    h
}

/// A case's groups among `groups`, counted from the column `first` on.
fn group_hits(f: &CaseFacts, groups: &[RecipientGroup], first: u32) -> Hits {
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| has(f, **g))
        .map(|(i, _)| (first + u32::try_from(i).unwrap_or(0), 1))
        .collect()
}

/// 表八: each case once, with the groups.
fn totals(f: &CaseFacts) -> Hits {
    let mut h = vec![(1, 1)];
    if f.concluded {
        h.extend([(2, 1), (3, f.amount_fen)]);
    } else {
        h.push((4, 1));
    }
    h.extend(group_hits(f, &GROUPS9, 5));
    h
}

/// 表九: recipients in person-times (one per case), by table.
fn recipients(f: &CaseFacts) -> Hits {
    let mut h = vec![(1, 1)];
    h.push((
        match table(f) {
            Table::Criminal => 2,
            Table::Civil => 3,
            Table::Administrative => 4,
        },
        1,
    ));
    h.extend(group_hits(f, &GROUPS9, 5));
    h
}

/// 表十: closed cases by the handler's class and the case's kind.
fn handlers(f: &CaseFacts) -> Hits {
    let Some(class) = f.handler.filter(|_| f.concluded) else {
        return Vec::new();
    };
    // Offset of the kind within a class's block: 刑事诉讼, 民事诉讼, 民事非诉讼,
    // 行政诉讼, 行政非诉讼 (blocks without criminal start at 民事诉讼).
    let kind = match (table(f), litigation(f)) {
        (Table::Criminal, _) => 0,
        (Table::Civil, true) => 1,
        (Table::Civil, false) => 2,
        (Table::Administrative, true) => 3,
        (Table::Administrative, false) => 4,
    };
    let (first, total, criminal_column) = match class {
        HandlerClass::Institution => (1, 6, true),
        HandlerClass::Lawyer => (7, 12, true),
        HandlerClass::LegalWorker => (13, 17, false),
        HandlerClass::SocialOrganization => (18, 22, false),
    };
    if criminal_column {
        vec![(first + kind, 1), (total, 1)]
    } else if kind == 0 {
        // The form has no criminal column for these: counted in the class's
        // total only, which breaks its sum, and the check names it.
        vec![(total, 1)]
    } else {
        vec![(first + kind - 1, 1), (total, 1)]
    }
}

/// 月报: the month's cases and consultations.
fn monthly(f: &CaseFacts) -> Hits {
    let mut h = vec![(2, 1), (15, 1)];
    if f.matter_code == PETITION {
        h.push((10, 1));
    } else {
        match f.case_type {
            CaseType::Criminal => {
                h.push((
                    if f.matter_code == "compulsory_medical" {
                        6
                    } else if is_notified(f) {
                        4
                    } else {
                        3
                    },
                    1,
                ));
                h.push((7, 1));
            }
            CaseType::NonLitigation => h.push((13, 1)),
            _ if table(f) == Table::Administrative => h.push((9, 1)),
            _ => h.push((8, 1)),
        }
    }
    if f.concluded {
        h.push((14, f.amount_fen));
    }
    for (n, g) in [
        (16, RecipientGroup::Woman),
        (17, RecipientGroup::Disabled),
        (18, RecipientGroup::Farmer),
        (19, RecipientGroup::MigrantWorker),
        (20, RecipientGroup::Minor),
        (21, RecipientGroup::Elderly),
        (22, RecipientGroup::EthnicMinority),
        (23, RecipientGroup::MilitaryFamily),
        (24, RecipientGroup::ForeignerStateless),
    ] {
        if has(f, g) {
            h.push((n, 1));
        }
    }
    h
}

pub(super) fn case_hits(code: FormCode, f: &CaseFacts) -> Hits {
    match code {
        FormCode::Monthly => monthly(f),
        FormCode::T5 if table(f) == Table::Criminal => criminal(f),
        FormCode::T6 if table(f) == Table::Civil => civil(f),
        FormCode::T7 if table(f) == Table::Administrative => administrative(f),
        FormCode::T8 => totals(f),
        FormCode::T9 => recipients(f),
        FormCode::T10 => handlers(f),
        _ => Vec::new(),
    }
}

pub(super) fn denial_hits(code: FormCode, d: &Denial) -> Hits {
    if d.criminal {
        return Vec::new();
    }
    let admin = table_of(CaseType::Civil, &d.matter_code) == Table::Administrative;
    let reason = |first: u32| {
        first
            + match d.reason {
                DenialReason::OutOfScope => 1,
                DenialReason::NotHardship => 2,
                DenialReason::Other => 3,
            }
    };
    match code {
        FormCode::T6 if !admin => vec![(1, 1), (21, 1), (reason(21), 1)],
        FormCode::T7 if admin => vec![(1, 1), (13, 1), (reason(13), 1)],
        _ => Vec::new(),
    }
}

/// 表十一 (and 月报 col 1): a consultation is one 人次 and one 件 (our
/// consultations have one topic each).
pub(super) fn consultation_hits(code: FormCode, c: &Consultation) -> Hits {
    match code {
        FormCode::Monthly => vec![(1, 1)],
        FormCode::T11 => {
            let mut h = vec![(1, 1), (16, 1)];
            match c.channel {
                ConsultChannel::Visit => {
                    h.push((2, 1));
                    for (i, g) in [
                        ConsultGroup::Woman,
                        ConsultGroup::Disabled,
                        ConsultGroup::Farmer,
                        ConsultGroup::MigrantWorker,
                        ConsultGroup::Elderly,
                        ConsultGroup::Minor,
                        ConsultGroup::MilitaryFamily,
                        ConsultGroup::Foreigner,
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        if c.groups.contains(&g) {
                            h.push((3 + u32::try_from(i).unwrap_or(0), 1));
                        }
                    }
                }
                ConsultChannel::Letter => h.push((11, 1)),
                ConsultChannel::Phone => h.push((12, 1)),
                ConsultChannel::Hotline12348 => h.extend([(12, 1), (13, 1)]),
                ConsultChannel::Online => h.push((14, 1)),
                ConsultChannel::Other => h.push((15, 1)),
            }
            h.push((
                match (c.topic_category, c.topic_code.as_str()) {
                    (TopicCategory::Criminal, _) => 17,
                    (_, "state_compensation") => 18,
                    (_, "social_insurance") => 19,
                    (_, "minimum_living") => 20,
                    (_, "pension_relief") => 21,
                    (_, "wages" | "work_injury") => 22,
                    (
                        _,
                        "elder_support" | "spousal_support" | "child_support" | "marriage_family",
                    ) => 23,
                    (_, "traffic_accident" | "medical_accident") => 24,
                    _ => 25,
                },
                1,
            ));
            match c.outcome {
                ConsultOutcome::Drafted => h.push((26, 1)),
                ConsultOutcome::Applied => {
                    h.push((27, 1));
                    if c.granted {
                        h.push((28, 1));
                    }
                }
                ConsultOutcome::Referred => h.push((29, 1)),
                ConsultOutcome::Answered => {}
            }
            h
        }
        _ => Vec::new(),
    }
}

/// 表十二: a workstation by its host, and whether it has staff of its own.
/// Workstations at a procuratorate count under 其他 (the form has no column).
pub(super) fn workstation_hits(code: FormCode, w: &Workstation) -> Hits {
    if code != FormCode::T12 {
        return Vec::new();
    }
    let first = match w.host {
        Some(WorkstationHost::TradeUnion) => 4,
        Some(WorkstationHost::WomensFederation) => 8,
        Some(WorkstationHost::DetentionHouse) => 20,
        Some(WorkstationHost::Court) => 22,
        Some(WorkstationHost::Procuratorate | WorkstationHost::Other) | None => 26,
    };
    let mut h = vec![(1, 1), (first, 1)];
    if w.staffed {
        h.push((first + 1, 1));
    }
    h
}

/// 表十三: a complaint concluded in the period, by category, outcome and the
/// complainant's remedy.
pub(super) fn complaint_hits(code: FormCode, c: &Complaint) -> Hits {
    if code != FormCode::T13 {
        return Vec::new();
    }
    let mut h = vec![
        (1, 1),
        (
            match c.category {
                ComplaintCategory::IntakeOrAssignment => 2,
                ComplaintCategory::Neglect => 3,
                ComplaintCategory::TakingMoney => 4,
                ComplaintCategory::Other => 5,
            },
            1,
        ),
        (
            match c.outcome {
                ComplaintOutcome::Sanctioned => 6,
                ComplaintOutcome::Corrected => 7,
                ComplaintOutcome::NotSubstantiated => 8,
            },
            1,
        ),
    ];
    match c.remedy {
        Some(ComplainantRemedy::AdministrativeReview) => h.extend([(9, 1), (11, 1)]),
        Some(ComplainantRemedy::Lawsuit) => h.extend([(10, 1), (11, 1)]),
        None => {}
    }
    h
}

/// 表四 cols 5–15: a subsidy paid, by the handler's class and the case's kind.
/// A subsidy without a handler counts in 5 only, so `5 = 6+…+10` names it.
pub(super) fn subsidy_hits(code: FormCode, x: &Subsidy) -> Hits {
    if code != FormCode::T4 {
        return Vec::new();
    }
    let mut h = vec![(5, x.fen)];
    if let Some(c) = x.handler {
        h.push((
            match c {
                HandlerClass::Institution => 6,
                HandlerClass::Lawyer => 7,
                HandlerClass::LegalWorker => 8,
                HandlerClass::SocialOrganization => 9,
            },
            x.fen,
        ));
    }
    h.push((
        match x.case_type {
            CaseType::Criminal => 11,
            CaseType::Civil => 12,
            CaseType::NonLitigation => 13,
            CaseType::Administrative => 14,
        },
        x.fen,
    ));
    h
}
