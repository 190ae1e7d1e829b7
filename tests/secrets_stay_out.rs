//! Secrets cannot reach persisted state, logs or `Display` output by construction:
//! `model::Secret` implements neither `Serialize` nor `Display`. These checks fail to
//! compile if someone adds either implementation.
// Tests fail loudly by design, and one scenario per test reads better than many helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::match_same_arms,
    clippy::cast_possible_truncation
)]

use sage200_desk::model::Secret;

/// Resolves to one impl only when `T` lacks the probed trait; otherwise inference is
/// ambiguous and the crate does not compile.
trait AmbiguousIfSerialize<A> {
    fn probe() {}
}
impl<T: ?Sized> AmbiguousIfSerialize<()> for T {}
struct ImplementsSerialize;
impl<T: ?Sized + serde::Serialize> AmbiguousIfSerialize<ImplementsSerialize> for T {}

trait AmbiguousIfDisplay<A> {
    fn probe() {}
}
impl<T: ?Sized> AmbiguousIfDisplay<()> for T {}
struct ImplementsDisplay;
impl<T: ?Sized + std::fmt::Display> AmbiguousIfDisplay<ImplementsDisplay> for T {}

#[test]
fn a_secret_can_be_neither_serialized_nor_displayed() {
    <Secret as AmbiguousIfSerialize<_>>::probe();
    <Secret as AmbiguousIfDisplay<_>>::probe();
    // The probe itself works: String is both, so these name the impl explicitly.
    <String as AmbiguousIfSerialize<ImplementsSerialize>>::probe();
    <String as AmbiguousIfDisplay<ImplementsDisplay>>::probe();
}

#[test]
fn persisted_state_holds_no_secret_shaped_field() {
    let state = sage200_desk::app::PersistedState::default();
    let text = serde_json::to_string(&state).unwrap();
    for word in ["token", "secret", "password", "bearer"] {
        assert!(!text.to_lowercase().contains(word), "{word} in {text}");
    }
}
