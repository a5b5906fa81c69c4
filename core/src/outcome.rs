//! What happened to a payment, in one enum, and what its response code means.

use alloc::string::String;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::link::Link;
use crate::redact::{redact_text_cow, Redacted};

/// A Checkout.com response code such as `10000` or `20051` (kept as a string: some codes,
/// like `200R1`, are not numbers). Server text: `Debug` and `Display` redact it by value.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ResponseCode(String);

impl ResponseCode {
    /// Wraps a code.
    pub fn new(code: impl Into<String>) -> Self {
        ResponseCode(code.into())
    }

    /// The code as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code's family, from its first two digits.
    pub fn family(&self) -> ResponseCodeFamily {
        match self.0.get(..2) {
            Some("10") => ResponseCodeFamily::Approved,
            Some("20") => ResponseCodeFamily::SoftDecline,
            Some("30") => ResponseCodeFamily::HardDecline,
            Some("40") => ResponseCodeFamily::Risk,
            _ => ResponseCodeFamily::Other,
        }
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_text_cow(&self.0))
    }
}

impl fmt::Debug for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResponseCode").field(&Redacted(&self.0)).finish()
    }
}

impl<'de> Deserialize<'de> for ResponseCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The API reference's own examples send `"response_code": 10000` as a number.
        crate::lenient::opt_string(d)?
            .map(ResponseCode)
            .ok_or_else(|| serde::de::Error::custom("expected a response code"))
    }
}

/// Response code families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseCodeFamily {
    /// `10xxx`: approved.
    Approved,
    /// `20xxx`: soft decline; the same card may succeed later or with 3DS.
    SoftDecline,
    /// `30xxx`: hard decline; do not retry with this card.
    HardDecline,
    /// `40xxx`: blocked by risk rules.
    Risk,
    /// Anything else.
    Other,
}

impl ResponseCodeFamily {
    /// Whether retrying the payment later may succeed (soft declines only).
    pub fn is_retryable(self) -> bool {
        self == ResponseCodeFamily::SoftDecline
    }
}

/// The outcome of a payment, as the original SDK's "handle all cases" snippet decides it.
/// `Debug` redacts the server's texts by value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accepted but not finished (HTTP 202 or status `Pending`); `redirect` is where to send
    /// the customer (3DS challenge or APM page), when there is one.
    Pending {
        /// The `redirect` link.
        redirect: Option<Link>,
    },
    /// Approved, and not flagged by risk.
    Approved,
    /// Approved, but `risk.flagged` is set: review before fulfilling.
    Flagged,
    /// Not approved.
    Declined {
        /// The response code, e.g. `20051`.
        response_code: Option<ResponseCode>,
        /// The summary, e.g. `Insufficient Funds`.
        response_summary: Option<String>,
    },
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Pending { redirect } => f.debug_struct("Pending").field("redirect", redirect).finish(),
            Outcome::Approved => f.write_str("Approved"),
            Outcome::Flagged => f.write_str("Flagged"),
            Outcome::Declined { response_code, response_summary } => f
                .debug_struct("Declined")
                .field("response_code", response_code)
                .field("response_summary", &Redacted(response_summary))
                .finish(),
        }
    }
}

/// The facts [`classify`] needs, borrowed from a payment response. `Debug` redacts by value.
#[derive(Clone, Copy)]
pub struct OutcomeFacts<'a> {
    /// The response was `202 Accepted`, or the status is `Pending`.
    pub pending: bool,
    /// The `redirect` link, if any.
    pub redirect: Option<&'a Link>,
    /// `approved`.
    pub approved: bool,
    /// `risk.flagged`.
    pub flagged: bool,
    /// `response_code`.
    pub response_code: Option<&'a ResponseCode>,
    /// `response_summary`.
    pub response_summary: Option<&'a str>,
}

impl fmt::Debug for OutcomeFacts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutcomeFacts")
            .field("pending", &self.pending)
            .field("redirect", &self.redirect)
            .field("approved", &self.approved)
            .field("flagged", &self.flagged)
            .field("response_code", &self.response_code)
            .field("response_summary", &Redacted(self.response_summary))
            .finish()
    }
}

/// Pending first (always check it: the risk engine may upgrade a payment to 3DS), then
/// approved-and-flagged, approved, and declined.
pub fn classify(facts: OutcomeFacts<'_>) -> Outcome {
    if facts.pending {
        Outcome::Pending { redirect: facts.redirect.cloned() }
    } else if facts.approved && facts.flagged {
        Outcome::Flagged
    } else if facts.approved {
        Outcome::Approved
    } else {
        Outcome::Declined {
            response_code: facts.response_code.cloned(),
            response_summary: facts.response_summary.map(String::from),
        }
    }
}

impl Outcome {
    /// Whether the payment is approved (flagged or not).
    pub fn is_approved(&self) -> bool {
        matches!(self, Outcome::Approved | Outcome::Flagged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_first_two_digits() {
        let cases = [
            ("10000", ResponseCodeFamily::Approved),
            ("10008", ResponseCodeFamily::Approved),
            ("20051", ResponseCodeFamily::SoftDecline),
            ("200R1", ResponseCodeFamily::SoftDecline),
            ("20153", ResponseCodeFamily::SoftDecline),
            ("30033", ResponseCodeFamily::HardDecline),
            ("40101", ResponseCodeFamily::Risk),
            ("50000", ResponseCodeFamily::Other),
            ("", ResponseCodeFamily::Other),
            ("1", ResponseCodeFamily::Other),
        ];
        for (code, family) in cases {
            assert_eq!(ResponseCode::new(code).family(), family, "{code}");
        }
        assert!(ResponseCodeFamily::SoftDecline.is_retryable() && !ResponseCodeFamily::HardDecline.is_retryable());
        let n: ResponseCode = serde_json::from_str("10000").unwrap();
        assert_eq!(n.as_str(), "10000");
    }

    #[test]
    fn every_outcome_is_classified() {
        let link = Link::new("https://acs");
        let code = ResponseCode::new("20051");
        let base = OutcomeFacts {
            pending: false,
            redirect: None,
            approved: false,
            flagged: false,
            response_code: None,
            response_summary: None,
        };
        let cases = [
            (
                OutcomeFacts { pending: true, redirect: Some(&link), ..base },
                Outcome::Pending { redirect: Some(link.clone()) },
            ),
            // Pending wins even over an approved flag.
            (OutcomeFacts { pending: true, approved: true, ..base }, Outcome::Pending { redirect: None }),
            (OutcomeFacts { approved: true, flagged: true, ..base }, Outcome::Flagged),
            (OutcomeFacts { approved: true, ..base }, Outcome::Approved),
            (
                OutcomeFacts {
                    response_code: Some(&code),
                    response_summary: Some("Insufficient Funds"),
                    flagged: true,
                    ..base
                },
                Outcome::Declined {
                    response_code: Some(code.clone()),
                    response_summary: Some("Insufficient Funds".into()),
                },
            ),
        ];
        for (facts, expected) in cases {
            assert_eq!(classify(facts), expected);
        }
        assert!(Outcome::Flagged.is_approved() && !Outcome::Pending { redirect: None }.is_approved());
    }
}
