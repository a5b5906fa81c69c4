//! Line items of an order.

use alloc::string::String;

use serde::Serialize;
use serde_json::{Map, Value};

use super::field::{extra_setter, open_model, setters, FieldError, Fields, FromJson};

/// One line item of an order (`items` of a payment, capture, refund or payout). Amounts are in
/// minor units. Fields the SDK does not model (`type`, `commodity_code`, ...) are kept in `extra`.
///
/// ```
/// use checkout_sdk_core::request::Item;
/// use serde_json::json;
///
/// let item = Item::new().name("Test item").quantity(2).unit_price(50).total_amount(100);
/// assert_eq!(
///     serde_json::to_value(&item).unwrap(),
///     json!({"name": "Test item", "quantity": 2, "unit_price": 50, "total_amount": 100})
/// );
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Item {
    /// The item's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u64>,
    /// The price of one, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<u64>,
    /// Your reference for the item (e.g. a SKU).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The stock-keeping unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The line total, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_amount: Option<u64>,
    /// The tax on the line, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<u64>,
    /// The discount on the line, in minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<u64>,
    /// A link to the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A link to an image of the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Fields the SDK does not model, sent as given.
    #[serde(flatten, serialize_with = "Item::serialize_extra")]
    pub extra: Map<String, Value>,
}

open_model!(Item {
    "name",
    "quantity",
    "unit_price",
    "reference",
    "sku",
    "total_amount",
    "tax_amount",
    "discount_amount",
    "url",
    "image_url",
});

impl FromJson for Item {
    fn from_fields(mut f: Fields) -> Result<Self, FieldError> {
        Ok(Item {
            name: f.string("name")?,
            quantity: f.integer("quantity")?,
            unit_price: f.integer("unit_price")?,
            reference: f.string("reference")?,
            sku: f.string("sku")?,
            total_amount: f.integer("total_amount")?,
            tax_amount: f.integer("tax_amount")?,
            discount_amount: f.integer("discount_amount")?,
            url: f.string("url")?,
            image_url: f.string("image_url")?,
            extra: f.rest(),
        })
    }
}

impl Item {
    /// An item with no details yet.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the name.
        name: String,
        /// Sets the quantity.
        quantity = u64,
        /// Sets the price of one, in minor units.
        unit_price = u64,
        /// Sets your reference.
        reference: String,
        /// Sets the stock-keeping unit.
        sku: String,
        /// Sets the line total, in minor units.
        total_amount = u64,
        /// Sets the tax, in minor units.
        tax_amount = u64,
        /// Sets the discount, in minor units.
        discount_amount = u64,
        /// Sets the link to the item.
        url: String,
        /// Sets the link to an image.
        image_url: String,
    }

    extra_setter!();
}

crate::redact::redacted_json_debug!(Item);
