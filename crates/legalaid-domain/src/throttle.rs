//! How failed sign-ins slow an attacker down without locking the owner out
//! (ADR 0009).
//!
//! Failures are counted per user name and address together, per user name from
//! other addresses, and per address:
//! - **The same name from the same address** (someone guessing, or the owner
//!   mistyping): a few failures are free, then each further attempt must wait a
//!   delay that doubles, capped at a minute. Nobody waits minutes.
//! - **One name from many addresses** (a distributed attack on one account):
//!   beyond a threshold, attempts from addresses the user has never signed in from
//!   must wait a delay that doubles, capped; the owner at an address they used
//!   before is not held back. Crossing the threshold alerts the administrators.
//! - **Many names from one address** (a shared office address, or a spray): past a
//!   threshold each attempt from the address is slowed by a short pause that grows
//!   with the failures, capped at a few seconds, and never refused.
//!
//! The caps bound the guessing rate for one account to well under 100 an hour from
//! unfamiliar addresses (ASVS 4.0.3 V2.2.1).

use chrono::{DateTime, Duration, Utc};

/// The numbers of the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Failures are counted within this window.
    pub window: Duration,
    /// Free failures for one name from one address.
    pub free_per_pair: i64,
    /// Free failures for one name from other addresses.
    pub free_per_name: i64,
    /// Free failures from one address, any name.
    pub free_per_address: i64,
    /// The first wait; each further failure doubles it.
    pub first_wait: Duration,
    /// The longest wait for one name from one address.
    pub max_pair_wait: Duration,
    /// The longest wait for a name under attack, at an unfamiliar address.
    pub max_name_wait: Duration,
    /// The pause per failure from a busy address, and its cap.
    pub address_pause: Duration,
    pub max_address_pause: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            window: Duration::minutes(15),
            free_per_pair: 5,
            free_per_name: 10,
            free_per_address: 50,
            first_wait: Duration::seconds(1),
            max_pair_wait: Duration::seconds(60),
            max_name_wait: Duration::seconds(40),
            address_pause: Duration::milliseconds(100),
            max_address_pause: Duration::seconds(3),
        }
    }
}

/// The failures that bear on one attempt, within the window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failures {
    /// This name from this address, and the latest of them.
    pub pair: i64,
    pub pair_last: Option<DateTime<Utc>>,
    /// This name from other addresses, and the latest of them.
    pub name_elsewhere: i64,
    pub name_elsewhere_last: Option<DateTime<Utc>>,
    /// This address, any name.
    pub address: i64,
    /// The user behind this name has signed in from this address before.
    pub familiar_address: bool,
}

impl Failures {
    /// Counts attempts still being checked (their passwords being hashed) as
    /// failures made just now, so that a burst sent at once is judged like the
    /// same attempts sent one after another: without this, every attempt of a
    /// burst would read the counts before the first failure was written.
    pub fn add_in_flight(
        &mut self,
        pair: i64,
        name_elsewhere: i64,
        address: i64,
        now: DateTime<Utc>,
    ) {
        if pair > 0 {
            self.pair += pair;
            self.pair_last = self.pair_last.max(Some(now));
        }
        if name_elsewhere > 0 {
            self.name_elsewhere += name_elsewhere;
            self.name_elsewhere_last = self.name_elsewhere_last.max(Some(now));
        }
        self.address += address;
    }
}

/// What to do with an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password, after pausing this long.
    Proceed { pause: std::time::Duration },
    /// Too early: answer 429 with this Retry-After, without checking anything.
    Wait { retry_after_secs: u64 },
}

/// `first × 2^(over)`, capped.
fn doubled(first: Duration, over: i64, cap: Duration) -> Duration {
    let shift = u32::try_from(over.clamp(0, 30)).unwrap_or(30);
    first.checked_mul(1 << shift).map_or(cap, |d| d.min(cap))
}

/// Decides an attempt, as of `now`.
pub fn judge(p: &Policy, f: &Failures, now: DateTime<Utc>) -> Verdict {
    let mut until: Option<DateTime<Utc>> = None;
    if f.pair >= p.free_per_pair
        && let Some(last) = f.pair_last
    {
        let wait = doubled(p.first_wait, f.pair - p.free_per_pair, p.max_pair_wait);
        until = Some(last + wait);
    }
    if !f.familiar_address
        && f.name_elsewhere >= p.free_per_name
        && let Some(last) = f.name_elsewhere_last
    {
        let wait = doubled(
            p.first_wait,
            f.name_elsewhere - p.free_per_name,
            p.max_name_wait,
        );
        until = until.max(Some(last + wait));
    }
    if let Some(until) = until.filter(|u| *u > now) {
        let ms = (until - now).num_milliseconds();
        let secs = u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1);
        return Verdict::Wait {
            retry_after_secs: secs,
        };
    }
    let pause = if f.address >= p.free_per_address {
        let over = i32::try_from(f.address - p.free_per_address + 1).unwrap_or(i32::MAX);
        p.address_pause
            .checked_mul(over)
            .map_or(p.max_address_pause, |d| d.min(p.max_address_pause))
    } else {
        Duration::zero()
    };
    Verdict::Proceed {
        pause: pause.to_std().unwrap_or_default(),
    }
}

/// Whether the failure just recorded, the `count`th for this name from
/// anywhere in the window, is the one that should alert the administrators.
pub fn alerts(p: &Policy, count: i64) -> bool {
    count == p.free_per_name
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0)
            .single()
            .expect("time")
            + Duration::seconds(secs)
    }

    fn wait_of(v: &Verdict) -> u64 {
        match v {
            Verdict::Wait { retry_after_secs } => *retry_after_secs,
            Verdict::Proceed { .. } => 0,
        }
    }

    #[test]
    fn a_burst_in_flight_is_judged_like_attempts_made_one_by_one() {
        let p = Policy::default();
        // Nothing recorded yet, four attempts of this pair already being checked:
        // the fifth goes ahead, the sixth waits.
        let mut f = Failures::default();
        f.add_in_flight(p.free_per_pair - 1, 0, p.free_per_pair - 1, at(0));
        assert_eq!(wait_of(&judge(&p, &f, at(0))), 0);
        let mut f = Failures::default();
        f.add_in_flight(p.free_per_pair, 0, p.free_per_pair, at(0));
        assert!(wait_of(&judge(&p, &f, at(0))) >= 1);
        // Attempts on this name from other addresses hold back a stranger, not
        // an address the owner uses.
        let mut f = Failures::default();
        f.add_in_flight(0, p.free_per_name, 0, at(0));
        assert!(wait_of(&judge(&p, &f, at(0))) >= 1);
        f.familiar_address = true;
        assert_eq!(wait_of(&judge(&p, &f, at(0))), 0);
        // In-flight attempts never move a recorded failure's time backwards.
        let mut f = Failures {
            pair: 1,
            pair_last: Some(at(10)),
            ..Failures::default()
        };
        f.add_in_flight(1, 0, 1, at(5));
        assert_eq!((f.pair, f.pair_last, f.address), (2, Some(at(10)), 1));
    }

    #[test]
    fn the_owner_mistyping_waits_seconds_that_double_and_never_minutes() {
        let p = Policy::default();
        let mut f = Failures {
            pair: 4,
            pair_last: Some(at(0)),
            ..Failures::default()
        };
        assert_eq!(wait_of(&judge(&p, &f, at(0))), 0, "four are free");
        let waits: Vec<u64> = (5..=14)
            .map(|n| {
                f.pair = n;
                wait_of(&judge(&p, &f, at(0)))
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
        // Once the wait has passed, the attempt proceeds.
        assert_eq!(
            judge(&p, &f, at(60)),
            Verdict::Proceed {
                pause: std::time::Duration::ZERO
            }
        );
    }

    #[test]
    fn a_name_attacked_from_many_addresses_slows_strangers_but_not_the_owner_at_home() {
        let p = Policy::default();
        let attacked = Failures {
            name_elsewhere: 40,
            name_elsewhere_last: Some(at(0)),
            ..Failures::default()
        };
        assert_eq!(wait_of(&judge(&p, &attacked, at(1))), 39, "capped at 40 s");
        let owner = Failures {
            familiar_address: true,
            ..attacked.clone()
        };
        assert_eq!(
            judge(&p, &owner, at(1)),
            Verdict::Proceed {
                pause: std::time::Duration::ZERO
            }
        );
        // Below the threshold nobody waits.
        let few = Failures {
            name_elsewhere: 9,
            ..attacked
        };
        assert_eq!(wait_of(&judge(&p, &few, at(0))), 0);
    }

    #[test]
    fn at_most_100_guesses_an_hour_on_one_account_from_unfamiliar_addresses() {
        let p = Policy::default();
        assert!(3600 / p.max_name_wait.num_seconds() <= 100);
        assert!(3600 / p.max_pair_wait.num_seconds() <= 100);
    }

    #[test]
    fn a_busy_address_is_slowed_for_its_other_users_not_shut() {
        let p = Policy::default();
        let f = Failures {
            address: 1000,
            ..Failures::default()
        };
        assert_eq!(
            judge(&p, &f, at(0)),
            Verdict::Proceed {
                pause: std::time::Duration::from_secs(3)
            }
        );
        let f = Failures {
            address: 52,
            ..Failures::default()
        };
        assert_eq!(
            judge(&p, &f, at(0)),
            Verdict::Proceed {
                pause: std::time::Duration::from_millis(300)
            }
        );
    }

    #[test]
    fn the_alert_goes_once_when_the_name_threshold_is_crossed() {
        let p = Policy::default();
        let alerts: Vec<i64> = (1..=30).filter(|n| alerts(&p, *n)).collect();
        assert_eq!(alerts, [10]);
    }
}
