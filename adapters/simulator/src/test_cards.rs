//! The sandbox's test card numbers (any future expiry date works).

/// Visa, approved (cvv `100`).
pub const VISA: &str = "4242424242424242";
/// Visa, approved (cvv `956`).
pub const VISA_2: &str = "4543474002249996";
/// Mastercard, approved (cvv `257`).
pub const MASTERCARD: &str = "5436031030606378";
/// American Express, approved (cvv `1051`).
pub const AMEX: &str = "345678901234564";
/// Discover, approved (cvv `100`).
pub const DISCOVER: &str = "6011111111111117";
/// Declined: 20051 Insufficient funds.
pub const DECLINED_INSUFFICIENT_FUNDS: &str = "4544249167673670";
/// Declined: 20001 Refer to card issuer.
pub const DECLINED_REFER_TO_ISSUER: &str = "4111111111111129";
/// Declined: 20012 Invalid payment.
pub const DECLINED_INVALID_PAYMENT: &str = "4024007103573027";
/// Declined: 20014 Invalid card number.
pub const DECLINED_INVALID_CARD_NUMBER: &str = "4485381577182090";
/// Declined: 20054 Expired card.
pub const DECLINED_EXPIRED_CARD: &str = "4724117215951699";
