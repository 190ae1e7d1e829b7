//! The request builder's curl work beside its update code: the command a draft makes for
//! each shell (built through [`super::build_request`], so what is copied is what is sent),
//! and reading the files a pasted command names.

use crate::api::CompanyScope;
use crate::model::{CodeLanguage, CurlRequest, RequestDraft, Shell};
use crate::screens::shared::UserError;

use super::build_request;
use super::update::RequestBuilder;
use crate::app::Services;

/// The request a draft makes, as a curl command for `shell`: exactly what the app would
/// send (built by [`build_request`], so a draft that cannot be sent is refused with the
/// same message instead of being copied in part). `token`: the access token, or `None` for
/// the shell's `SAGE200_TOKEN` variable.
pub fn curl_command(
    draft: &RequestDraft,
    company: Option<&CompanyScope>,
    base_url: &str,
    shell: Shell,
    token: Option<&str>,
) -> Result<String, UserError> {
    let sent = Sent::of(draft, company, base_url)?;
    crate::model::to_curl(&sent.request(), shell, token).map_err(|message| UserError {
        message,
        advice: "Copy it for another shell.".to_owned(),
    })
}

/// The request a draft makes, as a program in `language` (C#, Python, JavaScript,
/// PowerShell): exactly what the app would send, as [`curl_command`] writes it for curl.
///
/// # Errors
/// The draft cannot be sent (the same message as Send).
pub fn code_for(
    draft: &RequestDraft,
    company: Option<&CompanyScope>,
    base_url: &str,
    language: CodeLanguage,
    token: Option<&str>,
) -> Result<String, UserError> {
    let sent = Sent::of(draft, company, base_url)?;
    Ok(crate::model::to_code(&sent.request(), language, token))
}

/// What the app sends for a draft: the full URL, the headers beyond `Accept` and
/// `Authorization`, and the body.
struct Sent {
    method: crate::model::HttpMethod,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

impl Sent {
    fn of(
        draft: &RequestDraft,
        company: Option<&CompanyScope>,
        base_url: &str,
    ) -> Result<Self, UserError> {
        let request = build_request(draft, company)?;
        let mut url = format!("{base_url}{}", request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&crate::model::encode_query(&request.query));
        }
        let mut headers = Vec::new();
        if let Some(company) = &request.company {
            headers.push(("X-Site".to_owned(), company.site_id.clone()));
            headers.push(("X-Company".to_owned(), company.company_id.to_string()));
        }
        headers.extend(request.headers.iter().cloned());
        let body = request
            .body
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned());
        Ok(Self {
            method: draft.method,
            url,
            headers,
            body,
        })
    }

    fn request(&self) -> CurlRequest<'_> {
        CurlRequest {
            method: self.method,
            url: &self.url,
            headers: &self.headers,
            body: self.body.as_deref(),
        }
    }
}

/// Reads a file a pasted command names (`-d @/path/body.json`): absolute paths only, as the
/// folder the command was meant to run in is unknown; at most 20 MB.
pub(super) fn read_named_file(name: &str) -> Result<Vec<u8>, String> {
    let path = std::path::Path::new(name);
    if !path.is_absolute() {
        return Err(format!(
            "@{name} is a relative path; give the file's full path (the app cannot know the folder the command was run in)."
        ));
    }
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{name}: {e}"))?
        .len();
    if size > 20 * 1024 * 1024 {
        return Err(format!(
            "{name} is over 20 MB; the app sends smaller bodies."
        ));
    }
    std::fs::read(path).map_err(|e| format!("{name}: {e}"))
}

/// What a copy writes: a curl command for a shell, or a program in a language.
#[derive(Debug, Clone, Copy)]
pub(super) enum CopyTarget {
    Curl(Shell),
    Code(crate::model::CodeLanguage),
}

impl CopyTarget {
    /// "curl for bash", "Python (requests)": for the notice.
    fn label(self) -> String {
        match self {
            Self::Curl(shell) => format!("curl for {}", shell.label()),
            Self::Code(language) => language.label().to_owned(),
        }
    }
}
impl RequestBuilder {
    /// Copies a tab's request as curl for a shell or as code in a language: checked now,
    /// so a request that cannot be sent is never copied in part; the token is fetched only
    /// when it is to be included.
    pub(super) fn copy_as(
        &mut self,
        cx: &mut Services,
        id: u64,
        include_token: bool,
        target: CopyTarget,
    ) {
        let Some(tab) = self.state.tabs.iter().find(|t| t.id == id) else {
            return;
        };
        let company = cx.company_scope();
        // What is copied is what Send sends: variables filled in, or refused as Send is.
        let (draft, secrets) = match self.filled_draft(cx, tab) {
            Ok(filled) => filled,
            Err(problem) => {
                cx.shared.error = Some(problem);
                return;
            }
        };
        let base = cx.shared.api_base_url.clone();
        let write = move |token: Option<&str>| match target {
            CopyTarget::Curl(shell) => curl_command(&draft, company.as_ref(), &base, shell, token),
            CopyTarget::Code(language) => {
                code_for(&draft, company.as_ref(), &base, language, token)
            }
        };
        let without_token = match write(None) {
            Ok(text) => text,
            Err(problem) => {
                cx.shared.error = Some(problem);
                return;
            }
        };
        if !include_token {
            // A secret variable's value goes into copied text only with the token: decided
            // by what was filled in, not by looking for the value in the written text.
            let used: Vec<String> = secrets
                .iter()
                .map(|(key, _)| format!("{{{{{key}}}}}"))
                .collect();
            if !used.is_empty() {
                cx.shared.error = Some(UserError {
                    message: format!(
                        "This request uses the secret {} {}, kept in the keyring; it is not copied unless you ask.",
                        if used.len() == 1 { "variable" } else { "variables" },
                        used.join(", ")
                    ),
                    advice: "Tick \"include token\" to copy it with the token and secret values written out.".to_owned(),
                });
                return;
            }
            cx.egui.copy_text(without_token);
            cx.shared.notice = Some(format!(
                "Copied as {}; the token is read from SAGE200_TOKEN.",
                target.label()
            ));
            return;
        }
        let Some(session) = cx.session.clone() else {
            cx.shared.error = Some(UserError {
                message: "Not signed in, so there is no token to include.".to_owned(),
                advice: "Sign in, or copy without the token.".to_owned(),
            });
            return;
        };
        self.curl = Some(cx.spawn(async move {
            let token = session.access_token().await.map_err(|e| UserError {
                message: e.to_string(),
                advice: "Sign in again.".to_owned(),
            })?;
            Ok((write(Some(token.expose()))?, target.label()))
        }));
    }
}
