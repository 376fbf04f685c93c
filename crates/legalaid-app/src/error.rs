use legalaid_domain::FieldError;
use legalaid_store::StoreError;

/// The one application error. The web layer maps each variant to a fixed status:
/// Validation 422, Conflict 409, NotFound 404, Forbidden 403, Unauthenticated 401,
/// TooManyRequests 429, Unavailable 503, Internal 500.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("输入有误")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    #[error("记录不存在")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("尝试次数过多，请{retry_after_secs}秒后再试")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("数据库暂时不可用，请稍后再试")]
    Unavailable(String),
    /// Something the server needs is not installed or configured (the message says
    /// what, for the operator and the user alike): 503.
    #[error("{0}")]
    NotAvailable(String),
    /// Details are logged by the web layer, never shown.
    #[error("系统内部错误")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
    pub fn forbidden() -> Self {
        AppError::Forbidden("您没有执行此操作的权限".into())
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(e: Vec<FieldError>) -> Self {
        AppError::Validation(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => {
                AppError::Conflict("该记录已被他人修改，请刷新后重新编辑".into())
            }
            StoreError::Duplicate(what) => AppError::Conflict(duplicate_message(&what)),
            StoreError::Reference => AppError::Conflict("引用的记录不存在或仍被使用".into()),
            StoreError::NotFound => AppError::NotFound,
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            StoreError::Corrupt(m) | StoreError::Db(m) => AppError::Internal(m),
        }
    }
}

fn duplicate_message(constraint: &str) -> String {
    if constraint.contains("username") || constraint.contains("users") {
        "用户名已被使用".into()
    } else if constraint.contains("units") || constraint.contains("name") {
        "名称已存在".into()
    } else {
        "记录重复".into()
    }
}
