//! Assessments per second, on this machine, for the issue notes:
//! `cargo run --release -p legalaid-domain --example assess_bench`.
//! Not a test: it measures, it asserts nothing.

use chrono::NaiveDate;
use legalaid_domain::assessment::{Facts, Means, assess};
use legalaid_domain::rules::RuleBook;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let rules = RuleBook::shipped().expect("the shipped rules load");
    let received = NaiveDate::from_ymd_opt(2024, 8, 5).expect("valid date");
    let means = [
        Means::Household {
            members: 3,
            monthly_income_fen: 400_000,
        },
        Means::Exemption {
            code: "migrant_worker_wage_or_injury".into(),
            proof_provided: true,
        },
        Means::Declaration {
            members: 2,
            monthly_income_fen: 500_000,
        },
        Means::NotGiven,
    ];
    let matters: Vec<&str> = rules.matters.iter().map(|m| m.code.as_str()).collect();
    let n = 1_000_000usize;
    let started = Instant::now();
    let mut eligible = 0usize;
    for i in 0..n {
        let f = Facts {
            matter_code: matters[i % matters.len()],
            region_code: "341504",
            received_on: received,
            means: &means[i % means.len()],
            limitation_date: None,
            preservation_urgent: i % 7 == 0,
        };
        if black_box(assess(black_box(&f), &rules)).verdict
            == legalaid_domain::assessment::Verdict::Eligible
        {
            eligible += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{n} assessments in {secs:.2} s: {:.0} per second ({eligible} eligible)",
        n as f64 / secs
    );
}
