//! ISO 4217 currencies and their minor units.
//!
//! Amounts in this SDK are always in minor units (cents for USD, whole yen for JPY, fils for
//! BHD): [`Currency::exponent`] says how many decimal places a currency has.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::InvalidInput;

macro_rules! currencies {
    ($($code:ident => $exp:literal,)*) => {
        /// An ISO 4217 currency, serialised as its upper-case code and parsed case-insensitively.
        ///
        /// ```
        /// use checkout_sdk_core::currency::Currency;
        ///
        /// let usd: Currency = "usd".parse().unwrap();
        /// assert_eq!(usd, Currency::USD);
        /// assert_eq!(usd.exponent(), 2);
        /// assert_eq!(Currency::JPY.exponent(), 0);
        /// assert!("XYZ".parse::<Currency>().is_err());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[allow(clippy::upper_case_acronyms)]
        pub enum Currency {
            $(
                #[doc = concat!("`", stringify!($code), "` (", stringify!($exp), " decimal places)")]
                $code,
            )*
        }

        impl Currency {
            /// Every supported currency.
            pub const SUPPORTED: &'static [Currency] = &[$(Currency::$code,)*];

            /// The three-letter code.
            pub fn code(self) -> &'static str {
                match self {
                    $(Currency::$code => stringify!($code),)*
                }
            }

            /// How many decimal places the minor unit has (2 for USD, 0 for JPY, 3 for BHD).
            pub fn exponent(self) -> u8 {
                match self {
                    $(Currency::$code => $exp,)*
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
    CLF => 4,
    CLP => 0,
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
    UYI => 0,
    UYU => 2,
    UYW => 4,
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
    /// Parses a code case-insensitively (`"usd"`, `"USD"`).
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        let bytes = code.as_bytes();
        let unknown = || InvalidInput::Currency(code.chars().take(16).collect());
        if bytes.len() != 3 {
            return Err(unknown());
        }
        let upper = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()];
        Currency::from_upper(&upper).ok_or_else(unknown)
    }

    /// How many minor units make one major unit (100 for USD, 1 for JPY).
    pub fn minor_units_per_major(self) -> u64 {
        10u64.pow(u32::from(self.exponent()))
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
                f.write_str("an ISO 4217 currency code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Currency, E> {
                Currency::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_case_insensitively_and_round_trip() {
        for (input, expected) in [("usd", Currency::USD), ("EUR", Currency::EUR), ("gBp", Currency::GBP)] {
            assert_eq!(input.parse::<Currency>().unwrap(), expected);
        }
        for c in Currency::SUPPORTED {
            assert_eq!(c.code().parse::<Currency>().unwrap(), *c);
            assert_eq!(serde_json::to_string(c).unwrap(), alloc::format!("\"{}\"", c.code()));
        }
        for bad in ["", "us", "usdd", "XYZ", "€€€", "u\u{0}d"] {
            assert!(bad.parse::<Currency>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn exponents_follow_iso_4217() {
        let cases = [
            (Currency::USD, 2),
            (Currency::JPY, 0),
            (Currency::KRW, 0),
            (Currency::BHD, 3),
            (Currency::KWD, 3),
            (Currency::CLF, 4),
        ];
        for (c, e) in cases {
            assert_eq!(c.exponent(), e, "{c}");
        }
        assert_eq!(Currency::USD.minor_units_per_major(), 100);
        assert!(Currency::SUPPORTED.len() > 150);
    }
}
