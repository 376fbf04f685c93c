//! The pure draw of a review round and the assignment of its reviewers, on this
//! machine, for the issue notes:
//! `cargo run --release -p legalaid-domain --example draw_bench`.
//! Not a test: it measures, it asserts nothing. (The whole draw through the
//! server, with the frame read and the reviews written: `bench/quality.sh`.)

use legalaid_domain::case::CaseType;
use legalaid_domain::quality::review::{ExpertKind, File, Reviewer, assign};
use legalaid_domain::quality::sampling::{Candidate, SampleMethod, SampleRule, draw};
use legalaid_domain::{CaseId, ExpertId, StaffId, UnitId};
use std::time::Instant;

fn main() {
    // 100,000 closed files over 60 handling units of a city.
    let n = 100_000i64;
    let frame: Vec<Candidate> = (1..=n)
        .map(|i| Candidate {
            case_id: CaseId(i),
            unit_id: UnitId(i % 60),
            case_type: if i % 3 == 0 {
                CaseType::Criminal
            } else {
                CaseType::Civil
            },
            last_unqualified: i % 997 == 0,
        })
        .collect();
    let rule = SampleRule {
        method: SampleMethod::Share,
        percent: 13,
        per_unit: 2,
        case_types: vec![],
        include_last_unqualified: true,
    };
    for _ in 0..2 {
        let t = Instant::now();
        let d = draw("bench-2026h2", &rule, &frame);
        let drawn = t.elapsed();
        // 40 experts, each in one of the 60 units.
        let pool: Vec<Reviewer> = (0..40)
            .map(|e| Reviewer {
                expert_id: ExpertId(e),
                name: format!("专家{e}"),
                kind: ExpertKind::Lawyer,
                unit_id: Some(UnitId(e % 60)),
                staff_id: Some(StaffId(1_000_000 + e)),
                years_of_practice: 10,
                sanctioned: false,
                active: true,
            })
            .collect();
        let files: Vec<File> = d
            .files
            .iter()
            .map(|f| File {
                case_id: f.case_id,
                handling_unit_id: Some(f.unit_id),
                handler_id: Some(StaffId(f.case_id.0)),
            })
            .collect();
        let t = Instant::now();
        let a = assign(&files, &pool, 2, 5, "bench-2026h2").map(|a| a.len());
        let assigned = t.elapsed();
        println!(
            "draw of {} files from {n}: {:.1} ms; assignment of 2 reviewers each from 40 experts: {:.1} ms ({:?})",
            d.files.len(),
            drawn.as_secs_f64() * 1000.0,
            assigned.as_secs_f64() * 1000.0,
            a.map_err(|s| s.len()),
        );
    }
}
