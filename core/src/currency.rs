//! Currencies, and Checkout.com's rules for amounts in them.
//!
//! Amounts in this SDK are always in minor units, as Checkout.com counts them: the amount sent
//! is divided by 1 (JPY and 14 others), by 1000 (BHD and 6 others) or by 100 (every other
//! currency) to give the amount charged. [`Currency::exponent`] gives that power of ten. It
//! follows Checkout.com's "Format the amount value" page
//! (<https://www.checkout.com/docs/payments/accept-payments/format-the-amount-value>), which
//! differs from ISO 4217 for four codes: `CLP` and `UYI` (no minor unit in ISO 4217) and `CLF`
//! and `UYW` (four decimals in ISO 4217) are all sent in hundredths.
//!
//! Two rules from the same page are checked by [`Currency::check_amount`] (and so by every
//! request builder): an amount has at most ten digits (the API reference's limit of
//! [`MAX_AMOUNT`]), and in the three-decimal currencies its last digit must be 0.
//!
//! A code this SDK does not list is still a currency: [`Currency::parse`] gives
//! [`Currency::Other`] for any three letters, sent upper-cased and counted in hundredths, and the
//! API decides whether it accepts it.
//!
//! ```
//! use checkout_sdk_core::currency::Currency;
//!
//! assert_eq!(Currency::USD.exponent(), 2);
//! assert_eq!(Currency::CLP.exponent(), 2); // ISO 4217 says 0; Checkout.com counts hundredths
//! assert!(Currency::BHD.check_amount(1_000).is_ok());
//! assert!(Currency::BHD.check_amount(1_001).is_err()); // the last digit must be 0
//! let new_code: Currency = "xts".parse().unwrap();
//! assert_eq!(new_code.code(), "XTS");
//! assert!(matches!(new_code, Currency::Other(_)));
//! assert_eq!(Currency::GBP.format_amount(6540).to_string(), "65.40 GBP");
//! ```

use alloc::string::String;
use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::InvalidInput;

/// The largest amount the API accepts, in minor units: the API reference documents `amount` as
/// an integer in `[0 .. 9999999999]`. (Checkout.com's guide to amounts says "no more than nine
/// digits"; the API reference's bound is the one enforced here, so that no amount the API
/// accepts is refused locally.)
pub const MAX_AMOUNT: u64 = 9_999_999_999;

/// A three-letter code missing from this SDK's table, upper-cased. Only [`Currency::parse`]
/// makes one, so it never holds a code the table lists: `Currency::Other` never stands for
/// `Currency::USD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyCode([u8; 3]);

impl CurrencyCode {
    /// The code, e.g. `XTS`.
    pub fn as_str(&self) -> &str {
        // Built only from three ASCII upper-case letters.
        core::str::from_utf8(&self.0).unwrap_or("XXX")
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an amount cannot be sent in its currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AmountError {
    /// More than the API's [`MAX_AMOUNT`].
    TooLarge {
        /// The largest amount the API accepts.
        max: u64,
    },
    /// A three-decimal currency (BHD, IQD, JOD, KWD, LYD, OMR, TND) whose amount does not end in 0.
    LastDigitNotZero {
        /// The currency.
        currency: Currency,
    },
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::TooLarge { max } => write!(f, "more than the API's maximum of {max} minor units"),
            AmountError::LastDigitNotZero { currency } => {
                write!(f, "{currency} amounts are sent in thousandths and their last digit must be 0")
            }
        }
    }
}

macro_rules! currencies {
    ($($code:ident => $exp:literal,)*) => {
        /// A currency, serialised as its upper-case code and parsed case-insensitively.
        ///
        /// ```
        /// use checkout_sdk_core::currency::Currency;
        ///
        /// let usd: Currency = "usd".parse().unwrap();
        /// assert_eq!(usd, Currency::USD);
        /// assert_eq!(usd.exponent(), 2);
        /// assert_eq!(Currency::JPY.exponent(), 0);
        /// assert!("US".parse::<Currency>().is_err());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Currency {
            $(
                #[doc = concat!("`", stringify!($code), "` (amounts in units of 10^-", stringify!($exp), ")")]
                $code,
            )*
            /// A code this SDK does not list, sent as given (upper-cased) and counted in hundredths,
            /// as Checkout.com counts every currency it does not name.
            Other(CurrencyCode),
        }

        impl Currency {
            /// Every currency this SDK lists (not [`Currency::Other`]).
            pub const SUPPORTED: &'static [Currency] = &[$(Currency::$code,)*];

            /// The three-letter code.
            pub fn code(&self) -> &str {
                match self {
                    $(Currency::$code => stringify!($code),)*
                    Currency::Other(code) => code.as_str(),
                }
            }

            /// How many decimal places the amount sent has, by Checkout.com's rules: 0 for JPY, 3
            /// for BHD, 2 for USD and for every currency Checkout.com does not name (see the
            /// [module docs](self)).
            pub fn exponent(&self) -> u8 {
                match self {
                    $(Currency::$code => $exp,)*
                    Currency::Other(_) => 2,
                }
            }

            fn from_upper(code: &[u8; 3]) -> Option<Self> {
                match code {
                    $(c if c == stringify!($code).as_bytes() => Some(Currency::$code),)*
                    _ => None,
                }
            }
        }
    };
}

currencies! {
    AED => 2,
    AFN => 2,
    ALL => 2,
    AMD => 2,
    ANG => 2,
    AOA => 2,
    ARS => 2,
    AUD => 2,
    AWG => 2,
    AZN => 2,
    BAM => 2,
    BBD => 2,
    BDT => 2,
    BGN => 2,
    BHD => 3,
    BIF => 0,
    BMD => 2,
    BND => 2,
    BOB => 2,
    BRL => 2,
    BSD => 2,
    BTN => 2,
    BWP => 2,
    BYN => 2,
    BZD => 2,
    CAD => 2,
    CDF => 2,
    CHF => 2,
    CLF => 2,
    CLP => 2,
    CNY => 2,
    COP => 2,
    CRC => 2,
    CUP => 2,
    CVE => 2,
    CZK => 2,
    DJF => 0,
    DKK => 2,
    DOP => 2,
    DZD => 2,
    EGP => 2,
    ERN => 2,
    ETB => 2,
    EUR => 2,
    FJD => 2,
    FKP => 2,
    GBP => 2,
    GEL => 2,
    GHS => 2,
    GIP => 2,
    GMD => 2,
    GNF => 0,
    GTQ => 2,
    GYD => 2,
    HKD => 2,
    HNL => 2,
    HTG => 2,
    HUF => 2,
    IDR => 2,
    ILS => 2,
    INR => 2,
    IQD => 3,
    IRR => 2,
    ISK => 0,
    JMD => 2,
    JOD => 3,
    JPY => 0,
    KES => 2,
    KGS => 2,
    KHR => 2,
    KMF => 0,
    KPW => 2,
    KRW => 0,
    KWD => 3,
    KYD => 2,
    KZT => 2,
    LAK => 2,
    LBP => 2,
    LKR => 2,
    LRD => 2,
    LSL => 2,
    LYD => 3,
    MAD => 2,
    MDL => 2,
    MGA => 2,
    MKD => 2,
    MMK => 2,
    MNT => 2,
    MOP => 2,
    MRU => 2,
    MUR => 2,
    MVR => 2,
    MWK => 2,
    MXN => 2,
    MYR => 2,
    MZN => 2,
    NAD => 2,
    NGN => 2,
    NIO => 2,
    NOK => 2,
    NPR => 2,
    NZD => 2,
    OMR => 3,
    PAB => 2,
    PEN => 2,
    PGK => 2,
    PHP => 2,
    PKR => 2,
    PLN => 2,
    PYG => 0,
    QAR => 2,
    RON => 2,
    RSD => 2,
    RUB => 2,
    RWF => 0,
    SAR => 2,
    SBD => 2,
    SCR => 2,
    SDG => 2,
    SEK => 2,
    SGD => 2,
    SHP => 2,
    SLE => 2,
    SOS => 2,
    SRD => 2,
    SSP => 2,
    STN => 2,
    SVC => 2,
    SYP => 2,
    SZL => 2,
    THB => 2,
    TJS => 2,
    TMT => 2,
    TND => 3,
    TOP => 2,
    TRY => 2,
    TTD => 2,
    TWD => 2,
    TZS => 2,
    UAH => 2,
    UGX => 0,
    USD => 2,
    UYI => 2,
    UYU => 2,
    UYW => 2,
    UZS => 2,
    VES => 2,
    VND => 0,
    VUV => 0,
    WST => 2,
    XAF => 0,
    XCD => 2,
    XOF => 0,
    XPF => 0,
    YER => 2,
    ZAR => 2,
    ZMW => 2,
    ZWL => 2,
}

impl Currency {
    /// Parses a code case-insensitively (`"usd"`, `"USD"`): a listed code gives its constant, any
    /// other three ASCII letters give [`Currency::Other`]. Anything else is an error that does not
    /// repeat the input beyond its first three characters.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            // The input may be anything typed into the wrong field: keep at most a hint of it.
            let mut hint: String = code.chars().take(3).collect();
            if code.chars().nth(3).is_some() {
                hint.push('…');
            }
            return Err(InvalidInput::Currency(hint));
        }
        let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()];
        Ok(Currency::from_upper(&upper).unwrap_or(Currency::Other(CurrencyCode(upper))))
    }

    /// How many minor units make one major unit (100 for USD, 1 for JPY, 1000 for BHD).
    pub fn minor_units_per_major(&self) -> u64 {
        10u64.pow(u32::from(self.exponent()))
    }

    /// Checks `amount` (in minor units) against the API's rules: at most [`MAX_AMOUNT`], and a
    /// last digit of 0 in the three-decimal currencies.
    pub fn check_amount(&self, amount: u64) -> Result<(), AmountError> {
        if amount > MAX_AMOUNT {
            return Err(AmountError::TooLarge { max: MAX_AMOUNT });
        }
        if self.exponent() == 3 && amount % 10 != 0 {
            return Err(AmountError::LastDigitNotZero { currency: *self });
        }
        Ok(())
    }

    /// `amount` (in minor units) for people to read: `65.40 GBP`, `100 JPY`, `1.250 BHD`.
    pub fn format_amount(&self, amount: u64) -> FormattedAmount {
        FormattedAmount { amount, currency: *self }
    }
}

/// An amount with its currency, displayed in major units (see [`Currency::format_amount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormattedAmount {
    amount: u64,
    currency: Currency,
}

impl fmt::Display for FormattedAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_major = self.currency.minor_units_per_major();
        let major = self.amount / per_major;
        match usize::from(self.currency.exponent()) {
            0 => write!(f, "{major} {}", self.currency),
            digits => write!(f, "{major}.{:0digits$} {}", self.amount % per_major, self.currency),
        }
    }
}

impl FromStr for Currency {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Currency;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a three-letter currency code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Currency, E> {
                // Not the input: it may be anything typed into the wrong field.
                Currency::parse(v).map_err(|_| E::custom("expected a three-letter currency code"))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn codes_parse_case_insensitively_and_round_trip() {
        for (input, expected) in [("usd", Currency::USD), ("EUR", Currency::EUR), ("gBp", Currency::GBP)] {
            assert_eq!(input.parse::<Currency>().unwrap(), expected);
        }
        for c in Currency::SUPPORTED {
            assert_eq!(c.code().parse::<Currency>().unwrap(), *c);
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<Currency>(&format!("\"{}\"", c.code())).unwrap(), *c);
        }
        for bad in ["", "us", "usdd", "€€€", "u\u{0}d", "12a", "U D"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn codes_missing_from_the_table_are_kept_upper_cased() {
        let xts: Currency = "xtS".parse().unwrap();
        assert!(matches!(xts, Currency::Other(_)));
        assert_eq!(xts.code(), "XTS");
        assert_eq!(serde_json::to_string(&xts).unwrap(), "\"XTS\"");
        assert_eq!(serde_json::from_str::<Currency>("\"xts\"").unwrap(), xts);
        assert_eq!(xts.exponent(), 2, "Checkout.com divides every currency it does not name by 100");
        // A listed code never becomes `Other`, whatever its case.
        assert_eq!("usd".parse::<Currency>().unwrap(), Currency::USD);
    }

    #[test]
    fn exponents_follow_checkout_com_not_iso_4217() {
        let full_amount =
            ["BIF", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VUV", "VND", "XAF", "XOF", "XPF"];
        let thousandths = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
        for c in Currency::SUPPORTED {
            let expected = if full_amount.contains(&c.code()) {
                0
            } else if thousandths.contains(&c.code()) {
                3
            } else {
                2
            };
            assert_eq!(c.exponent(), expected, "{c}");
        }
        // The four codes where Checkout.com's page and ISO 4217 (0, 0, 4, 4) disagree.
        for c in [Currency::CLP, Currency::UYI, Currency::CLF, Currency::UYW] {
            assert_eq!(c.exponent(), 2, "{c}");
        }
        assert_eq!(Currency::USD.minor_units_per_major(), 100);
        assert_eq!(Currency::BHD.minor_units_per_major(), 1000);
        assert!(Currency::SUPPORTED.len() > 150);
    }

    #[test]
    fn amounts_follow_the_api_rules() {
        assert_eq!(Currency::USD.check_amount(MAX_AMOUNT), Ok(()));
        assert_eq!(Currency::USD.check_amount(MAX_AMOUNT + 1), Err(AmountError::TooLarge { max: MAX_AMOUNT }));
        assert_eq!(Currency::USD.check_amount(0), Ok(()));
        for c in
            [Currency::BHD, Currency::IQD, Currency::JOD, Currency::KWD, Currency::LYD, Currency::OMR, Currency::TND]
        {
            assert_eq!(c.check_amount(1310), Ok(()), "{c}");
            assert_eq!(c.check_amount(1312), Err(AmountError::LastDigitNotZero { currency: c }), "{c}");
        }
        assert_eq!(Currency::USD.check_amount(1001), Ok(()));
        assert_eq!(Currency::JPY.check_amount(1001), Ok(()));
        let err = Currency::KWD.check_amount(5).unwrap_err().to_string();
        assert_eq!(err, "KWD amounts are sent in thousandths and their last digit must be 0");
    }

    #[test]
    fn amounts_format_in_major_units() {
        let cases = [
            (Currency::GBP, 6540, "65.40 GBP"),
            (Currency::USD, 5, "0.05 USD"),
            (Currency::JPY, 100, "100 JPY"),
            (Currency::BHD, 1250, "1.250 BHD"),
            (Currency::CLP, 10000, "100.00 CLP"),
        ];
        for (c, amount, text) in cases {
            assert_eq!(c.format_amount(amount).to_string(), text);
        }
    }

    #[test]
    fn parse_errors_keep_at_most_three_characters_of_the_input() {
        let err = Currency::parse("4242424242424242").unwrap_err();
        assert_eq!(err, InvalidInput::Currency("424…".into()));
        let err = Currency::parse("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e").unwrap_err().to_string();
        assert!(!err.contains("m73dzbpy"), "{err}");
        let serde_err = serde_json::from_str::<Currency>("\"4242424242424242\"").unwrap_err().to_string();
        assert!(!serde_err.contains("4242424242"), "{serde_err}");
    }
}
