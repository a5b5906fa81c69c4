//! The sandbox's documented processing rules: test cards, amount-triggered response codes, card
//! schemes, Luhn and currencies.

/// A gateway response: code and summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Response {
    /// `response_code`, e.g. `10000`.
    pub(crate) code: &'static str,
    /// `response_summary`, e.g. `Approved`.
    pub(crate) summary: &'static str,
}

impl Response {
    const fn new(code: &'static str, summary: &'static str) -> Self {
        Response { code, summary }
    }

    /// Whether this response approves the payment (the 10xxx family).
    pub(crate) fn is_approved(self) -> bool {
        self.code.starts_with("10")
    }
}

pub(crate) const APPROVED: Response = Response::new("10000", "Approved");
pub(crate) const REFER_TO_ISSUER: Response = Response::new("20001", "Refer to card issuer");
pub(crate) const DO_NOT_HONOUR: Response = Response::new("20005", "Declined - Do not honour");
pub(crate) const INVALID_PAYMENT: Response = Response::new("20012", "Invalid payment");
pub(crate) const INVALID_CARD_NUMBER: Response = Response::new("20014", "Invalid card number");
pub(crate) const INSUFFICIENT_FUNDS: Response = Response::new("20051", "Insufficient funds");
pub(crate) const EXPIRED_CARD: Response = Response::new("20054", "Expired card");
pub(crate) const RESTRICTED_CARD: Response = Response::new("20062", "Restricted card");
pub(crate) const SECURITY_VIOLATION: Response = Response::new("20063", "Security violation");
pub(crate) const TIMEOUT: Response = Response::new("20068", "Response received too late / timeout");
pub(crate) const BAD_TRACK_DATA: Response = Response::new("20087", "Bad track data");
pub(crate) const THREEDS_FAILED: Response = Response::new("20151", "Cardholder failed 3DS authentication");
pub(crate) const THREEDS_MALFUNCTION: Response = Response::new("20153", "3DS system malfunction");
pub(crate) const THREEDS_REQUIRED: Response = Response::new("20154", "3DS authentication required");
pub(crate) const STOP_PAYMENT: Response = Response::new("200R1", "Issuer stop payment");
pub(crate) const STOP_ALL_PAYMENTS: Response = Response::new("200R3", "Issuer stop payment - all authorizations");
pub(crate) const PICK_UP: Response = Response::new("30033", "Expired card - Pick up");
pub(crate) const RISK_BLOCKED: Response = Response::new("40101", "Payment blocked due to risk");
pub(crate) const POST_CODE_FAILED: Response = Response::new("40108", "Gateway reject - Post code failed");

/// The declining test cards of the sandbox.
pub(crate) fn card_decline(number: &str) -> Option<Response> {
    Some(match number {
        "4544249167673670" => INSUFFICIENT_FUNDS,
        "4111111111111129" => REFER_TO_ISSUER,
        "4024007103573027" => INVALID_PAYMENT,
        "4485381577182090" => INVALID_CARD_NUMBER,
        "4724117215951699" => EXPIRED_CARD,
        _ => return None,
    })
}

/// Amounts that need 3-D Secure: declined with 20154 when paid without it.
pub(crate) fn requires_3ds(amount: u64) -> bool {
    matches!(amount, 6510 | 6520 | 6530 | 6540)
}

/// Amounts whose 3-D Secure attempt hits a "system malfunction" (20153).
pub(crate) fn threeds_malfunctions(amount: u64) -> bool {
    (5000..=5029).contains(&amount)
}

/// Amounts that the issuer stops on a card's first attempt only (200R1 / 200R3).
pub(crate) fn issuer_stop(amount: u64) -> Option<Response> {
    match amount {
        2011 => Some(STOP_PAYMENT),
        2013 => Some(STOP_ALL_PAYMENTS),
        _ => None,
    }
}

/// The amount-triggered declines other than 3-D Secure and issuer stops: exact amounts first,
/// then the last two digits.
pub(crate) fn amount_decline(amount: u64) -> Option<Response> {
    Some(match amount {
        9998 => TIMEOUT,
        4001 => RISK_BLOCKED,
        4008 => POST_CODE_FAILED,
        _ => match amount % 100 {
            5 => DO_NOT_HONOUR,
            12 => INVALID_PAYMENT,
            14 => INVALID_CARD_NUMBER,
            33 => PICK_UP,
            51 => INSUFFICIENT_FUNDS,
            54 => BAD_TRACK_DATA,
            62 => RESTRICTED_CARD,
            63 => SECURITY_VIOLATION,
            _ => return None,
        },
    })
}

/// The simulator's own rule for a flagged-but-approved payment: amounts ending in 77 while risk
/// checks are enabled (the default).
pub(crate) fn is_flagged(amount: u64) -> bool {
    amount % 100 == 77
}

pub(crate) use checkout_sdk_core::source::luhn;

/// The card scheme of a card number, by its BIN.
pub(crate) fn scheme(number: &str) -> &'static str {
    let prefix = |n: usize| number.get(..n).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
    let (p1, p2, p3, p4) = (prefix(1), prefix(2), prefix(3), prefix(4));
    if p1 == 4 {
        "Visa"
    } else if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) {
        "Mastercard"
    } else if p2 == 34 || p2 == 37 {
        "Amex"
    } else if p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) {
        "Discover"
    } else if p2 == 36 || p2 == 38 || (300..=305).contains(&p3) {
        "Diners Club International"
    } else if p2 == 35 {
        "JCB"
    } else {
        "Unknown"
    }
}

/// Active ISO 4217 currency codes.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF", "CLP", "CNY", "COP",
    "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD",
    "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN",
    "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
    "USD", "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW",
    "ZWG", "ZWL",
];

/// `code` upper-cased if it is an ISO 4217 currency (any case is accepted).
pub(crate) fn currency(code: &str) -> Option<String> {
    let upper = code.to_ascii_uppercase();
    CURRENCIES.contains(&upper.as_str()).then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_pass_luhn_and_have_their_schemes() {
        for (number, scheme_name) in [
            ("4242424242424242", "Visa"),
            ("4543474002249996", "Visa"),
            ("5436031030606378", "Mastercard"),
            ("345678901234564", "Amex"),
            ("6011111111111117", "Discover"),
            ("2221000000000009", "Mastercard"),
        ] {
            assert!(luhn(number), "{number}");
            assert_eq!(scheme(number), scheme_name, "{number}");
        }
        assert!(!luhn("4242424242424241"));
        assert!(!luhn(""));
        assert!(!luhn("42a2"));
        assert_eq!(scheme(""), "Unknown");
        assert_eq!(scheme("é"), "Unknown");
    }

    #[test]
    fn amount_rules_follow_the_table() {
        assert_eq!(amount_decline(1005), Some(DO_NOT_HONOUR));
        assert_eq!(amount_decline(4001), Some(RISK_BLOCKED));
        assert_eq!(amount_decline(9998), Some(TIMEOUT));
        assert_eq!(amount_decline(154), Some(BAD_TRACK_DATA));
        assert_eq!(amount_decline(100), None);
        assert_eq!(amount_decline(0), None);
        assert!(APPROVED.is_approved());
        assert!(!PICK_UP.is_approved());
    }

    #[test]
    fn currencies_are_case_insensitive() {
        assert_eq!(currency("usd").as_deref(), Some("USD"));
        assert_eq!(currency("EUR").as_deref(), Some("EUR"));
        assert_eq!(currency("XXX"), None);
        assert_eq!(currency("US"), None);
    }
}
