//! Public-client sign-in to Sage ID: PKCE, the loopback listener, token exchange and
//! refresh, the OS-keyring token store, and the session that hands out fresh access tokens.
//! Uses `model` and its own crates; never egui, `ui` or `app`.

mod error;
mod flow;
mod loopback;
mod session;
mod store;
mod token_http;
mod tokens;

pub use error::AuthError;
pub use flow::{
    PendingSignIn, SIGN_IN_TIMEOUT, TokenKind, prepare_sign_in, refresh_tokens, revoke_token,
};
pub use loopback::{LoopbackListener, MAX_REQUEST_BYTES};
pub use session::Session;
pub use store::{KeyringStatus, TokenStore, keyring_status};
pub use token_http::TokenHttpError;
pub use tokens::Tokens;
