//! HL7 FHIR R4: the rule set as a `Questionnaire` (`docs/fhir.md`).
//!
//! Every name the export gives (link ids, the code systems of option ids)
//! is derived from the rule set alone, so the same rule set always gives
//! the same bytes, and an answer coded in a response maps back to exactly
//! one option (the loader refuses a code given to two answers of one
//! question). Codes from outside systems (`codes` in the rule files) are
//! copied as they are: this module knows no code system.

mod expression;
pub mod questionnaire;
mod skip;
#[cfg(test)]
mod tests;

pub use questionnaire::questionnaire;

/// The URLs of the FHIR core and SDC extensions the export uses, in one
/// place.
pub(crate) mod ext {
    pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
    pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
    pub const ITEM_CONTROL: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
    pub const ITEM_CONTROL_SYSTEM: &str = "http://hl7.org/fhir/questionnaire-item-control";
    pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
    pub const OPTION_EXCLUSIVE: &str =
        "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive";
    pub const ENABLE_WHEN_EXPRESSION: &str =
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";
}

/// The identifier system of a rule set's SHA-256 (`docs/rules.md`, The
/// rule set's fingerprint).
pub const SHA256_SYSTEM: &str = "urn:placement:rules-sha256";
