//! What an intake form or an API call gives for an application, and its
//! validation against the rules in force into the fields that are stored.

use super::*;

/// What an intake form or API call gives, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationInput {
    /// The registered applicant (a person visible to the caller).
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, nullable = false, minimum = 1)
    )]
    pub applicant_id: Option<PersonId>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, inline, value_type = Channel)
    )]
    pub channel: String,
    /// Who notified the case; required when `channel` is `notified`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NotifyingOrgan>))]
    pub notifying_organ: Option<String>,
    /// When the center (or the receiving unit) received it; RFC 3339. Not later
    /// than now (5 minutes' clock difference allowed).
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
    /// For applications forwarded from custody: when the facility received them.
    /// Required when `channel` is `custody_forwarded`; not later than `received_at`.
    #[serde(default)]
    pub custody_received_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A matter code in force in the receiving unit's region on the day received
    /// (the matter scope is data, listed by `GET /api/v1/rules`), or `not_listed`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, example = "not_listed")
    )]
    pub matter_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true, value_type = ServiceForm))]
    pub service_form: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ProceduralRole>))]
    pub procedural_role: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub opposing_party: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub case_organ: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub case_number: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(required = true, min_length = 1, max_length = 4000, pattern = r"\S")
    )]
    pub summary: String,
    #[serde(default)]
    pub limitation_date: Option<NaiveDate>,
    #[serde(default)]
    pub preservation_urgent: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub representative_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub representative_relation: String,
    /// Household members and total monthly income (fen), shown with evidence. At
    /// most one of `household`, `exemption_code` and `declaration` may be given.
    #[serde(default)]
    pub household: Option<HouseholdInput>,
    /// A ground for exemption from hardship verification (LAL art 42): a code in
    /// force in the receiving unit's region on the day received (data, listed by
    /// `GET /api/v1/rules`).
    #[serde(default)]
    pub exemption_code: Option<String>,
    #[serde(default)]
    pub exemption_proof_provided: bool,
    /// A personal honesty declaration of household members and income (LAL art 41).
    #[serde(default)]
    pub declaration: Option<HouseholdInput>,
    /// The household's monthly income by source; when given, it must add up to the
    /// declared monthly income (of `household` or `declaration`, one of which is then
    /// required).
    #[serde(default)]
    pub income_sources: Vec<IncomeSource>,
    /// The household's assets (property, vehicles, savings), as described.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub assets: String,
}

/// One source of household income.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncomeSource {
    /// e.g. 工资, 养老金, 务农收入, 低保金
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub source: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub monthly_fen: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdInput {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
    pub members: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub monthly_income_fen: i64,
}

/// A validated application, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFields {
    pub applicant_id: PersonId,
    pub channel: Channel,
    pub notifying_organ: Option<NotifyingOrgan>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub custody_received_at: Option<chrono::DateTime<chrono::Utc>>,
    pub matter_code: String,
    pub service_form: ServiceForm,
    pub procedural_role: Option<ProceduralRole>,
    pub opposing_party: String,
    pub case_organ: String,
    pub case_number: String,
    pub summary: String,
    pub limitation_date: Option<NaiveDate>,
    pub preservation_urgent: bool,
    pub representative_name: String,
    pub representative_relation: String,
    pub means: crate::assessment::Means,
    pub income_sources: Vec<IncomeSource>,
    pub assets: String,
}

impl ApplicationInput {
    /// Checks the input against the rules (known matter and exemption codes) and
    /// `now` (nothing received in the future). Every problem is reported.
    pub fn validate(
        &self,
        rules: &RuleBook,
        region_code: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<ApplicationFields, Vec<crate::FieldError>> {
        use crate::assessment::Means;
        let mut v = crate::Validation::new();
        if self.applicant_id.is_none() {
            v.add("applicant_id", "请选择申请人（先登记当事人）");
        }
        let channel = Channel::parse(self.channel.trim());
        if channel.is_none() {
            v.add("channel", "请选择申请渠道");
        }
        let organ = match self
            .notifying_organ
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(o) => {
                let p = NotifyingOrgan::parse(o);
                if p.is_none() {
                    v.add(
                        "notifying_organ",
                        "通知机关应为人民法院、人民检察院或公安机关",
                    );
                }
                p
            }
            None => None,
        };
        if channel == Some(Channel::Notified)
            && organ.is_none()
            && v.errors().iter().all(|e| e.field != "notifying_organ")
        {
            v.add("notifying_organ", "办案机关通知的案件须注明通知机关");
        }
        match self.received_at {
            None => v.add("received_at", "请填写收到申请的时间"),
            Some(t) if t > now + chrono::Duration::minutes(5) => {
                v.add("received_at", "收到申请的时间不能晚于现在")
            }
            _ => {}
        }
        if let (Some(c), Some(r)) = (self.custody_received_at, self.received_at)
            && c > r
        {
            v.add(
                "custody_received_at",
                "羁押场所收到申请的时间不能晚于法律援助机构收到的时间",
            );
        }
        if channel == Some(Channel::CustodyForwarded) && self.custody_received_at.is_none() {
            v.add(
                "custody_received_at",
                "羁押场所转交的申请须填写其收到申请的时间（《法律援助法》第三十九条）",
            );
        }
        let day = self.received_at.map(crate::local_date);
        let matter = self.matter_code.trim().to_owned();
        if matter.is_empty() {
            v.add("matter_code", "请选择申请事项");
        } else if matter != "not_listed"
            && day.is_some_and(|d| rules.matter(&matter, region_code, d).is_none())
        {
            v.add("matter_code", format!("未知的事项代码：{matter}"));
        }
        let service_form = ServiceForm::parse(self.service_form.trim());
        if service_form.is_none() {
            v.add("service_form", "请选择法律援助形式");
        }
        let role = match self
            .procedural_role
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(r) => {
                let p = ProceduralRole::parse(r);
                if p.is_none() {
                    v.add("procedural_role", "诉讼地位不正确");
                }
                p
            }
            None => None,
        };
        let summary = v.text("summary", &self.summary, "案情摘要", 4000);
        let opposing_party =
            v.optional_text("opposing_party", &self.opposing_party, "对方当事人", 200);
        let case_organ = v.optional_text("case_organ", &self.case_organ, "办案机关", 100);
        let case_number = v.optional_text("case_number", &self.case_number, "案号", 100);
        let representative_name = v.optional_text(
            "representative_name",
            &self.representative_name,
            "代理申请人姓名",
            50,
        );
        let representative_relation = v.optional_text(
            "representative_relation",
            &self.representative_relation,
            "与申请人关系",
            50,
        );
        let given = [
            self.household.is_some(),
            self.exemption_code
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty()),
            self.declaration.is_some(),
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            v.add(
                "household",
                "经济状况只能选择一种方式：家庭收入、免予核查或个人诚信承诺",
            );
        }
        let check = |h: &HouseholdInput, field: &str, v: &mut crate::Validation| {
            if h.members == 0 || h.members > 30 {
                v.add(field, "家庭人口数应在1至30之间");
            }
            if h.monthly_income_fen < 0 {
                v.add(field, "家庭月收入不能为负数");
            }
        };
        let means = if let Some(h) = &self.household {
            check(h, "household", &mut v);
            Means::Household {
                members: h.members,
                monthly_income_fen: h.monthly_income_fen,
            }
        } else if let Some(h) = &self.declaration {
            check(h, "declaration", &mut v);
            Means::Declaration {
                members: h.members,
                monthly_income_fen: h.monthly_income_fen,
            }
        } else if let Some(code) = self
            .exemption_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if day.is_some_and(|d| rules.exemption(code, region_code, d).is_none()) {
                v.add("exemption_code", format!("未知的免予核查情形：{code}"));
            }
            Means::Exemption {
                code: code.to_owned(),
                proof_provided: self.exemption_proof_provided,
            }
        } else {
            Means::NotGiven
        };
        let income_total = match &means {
            Means::Household {
                monthly_income_fen, ..
            }
            | Means::Declaration {
                monthly_income_fen, ..
            } => Some(*monthly_income_fen),
            _ => None,
        };
        if !self.income_sources.is_empty() {
            if self
                .income_sources
                .iter()
                .any(|i| i.source.trim().is_empty() || i.monthly_fen < 0)
            {
                v.add("income_sources", "每项收入须写明来源，金额不能为负数");
            }
            let sum: i64 = self.income_sources.iter().map(|i| i.monthly_fen).sum();
            match income_total {
                Some(total) if total != sum => v.add(
                    "income_sources",
                    format!(
                        "各项收入合计{}，与家庭月收入{}不一致",
                        crate::assessment::yuan(sum),
                        crate::assessment::yuan(total)
                    ),
                ),
                None => v.add(
                    "income_sources",
                    "收入来源只在说明家庭收入或作出诚信承诺时填写",
                ),
                _ => {}
            }
        }
        let assets = v.optional_text("assets", &self.assets, "家庭财产状况", 1000);
        let income_sources: Vec<IncomeSource> = self
            .income_sources
            .iter()
            .map(|i| IncomeSource {
                source: i.source.trim().to_owned(),
                monthly_fen: i.monthly_fen,
            })
            .collect();
        match (self.applicant_id, channel, self.received_at, service_form) {
            (Some(applicant_id), Some(channel), Some(received_at), Some(service_form))
                if v.is_empty() =>
            {
                Ok(ApplicationFields {
                    applicant_id,
                    channel,
                    notifying_organ: organ,
                    received_at,
                    custody_received_at: self.custody_received_at,
                    matter_code: matter,
                    service_form,
                    procedural_role: role,
                    opposing_party,
                    case_organ,
                    case_number,
                    summary,
                    limitation_date: self.limitation_date,
                    preservation_urgent: self.preservation_urgent,
                    representative_name,
                    representative_relation,
                    means,
                    income_sources,
                    assets,
                })
            }
            _ => Err(v.errors().to_vec()),
        }
    }
}
