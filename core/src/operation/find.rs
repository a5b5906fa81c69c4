//! Finding payments: by reference (`GET /payments?reference=…`) and by search
//! (`POST /payments/search`), a page at a time.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{build_request_at, json_body, parse_typed, Operation};
use crate::config::Config;
use crate::error::{Error, InvalidInput};
use crate::page::Page;
use crate::payment::Payment;
use crate::request::{PaymentListQuery, PaymentSearchRequest};
use crate::response::Response;
use crate::transport::{HttpRequest, HttpResponse, Method};

/// An operation whose answer is a [`Page`], and which knows the operation that fetches the page
/// after it.
pub trait Paged: Operation<Data = Page<Self::Item>> + Sized {
    /// What a page holds.
    type Item;

    /// The operation for the page after `page`, or `None` when `page` is the last.
    fn next_page(&self, page: &Page<Self::Item>) -> Option<Self>;
}

/// `GET /payments?reference=…&limit=…&skip=…`: the payments with your reference, newest first.
/// `200`.
///
/// ```
/// use checkout_sdk_core::config::Config;
/// use checkout_sdk_core::operation::{ListPayments, Operation, Paged};
/// use checkout_sdk_core::request::PaymentListQuery;
/// use checkout_sdk_core::transport::HttpResponse;
///
/// let config = Config::sandbox("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e".parse()?);
/// let op = ListPayments::new(PaymentListQuery::new("ORD-5023").limit(2));
/// assert_eq!(op.build_request(&config)?.url, "https://api.sandbox.checkout.com/payments?reference=ORD-5023&limit=2");
/// let page = op.parse_response(HttpResponse::new(200, br#"{"limit": 2, "skip": 0, "total_count": 3,
///     "data": [{"id": "pay_einf5abzzgbejdpuartvqgl36i"}, {"id": "pay_mbabizu24mvu3mela5njyhpit4"}]}"#.to_vec()))?;
/// let next = op.next_page(&page).expect("a third payment follows");
/// assert!(next.build_request(&config)?.url.ends_with("reference=ORD-5023&limit=2&skip=2"));
/// # Ok::<(), checkout_sdk_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ListPayments {
    query: PaymentListQuery,
}

impl ListPayments {
    /// The first page of `query`.
    pub fn new(query: PaymentListQuery) -> Self {
        ListPayments { query }
    }
}

impl Operation for ListPayments {
    type Data = Page<Payment>;
    fn method(&self) -> Method {
        Method::Get
    }
    fn path(&self) -> String {
        format!("payments?{}", self.query.query_string())
    }
    fn validate(&self) -> Result<(), Error> {
        self.query.check().map_err(|e| InvalidInput::Field(e).into())
    }
    fn expected_statuses(&self) -> &'static [u16] {
        &[200]
    }
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Page<Payment>>, Error> {
        parse_typed(response)
    }
}

impl Paged for ListPayments {
    type Item = Payment;
    fn next_page(&self, page: &Page<Payment>) -> Option<Self> {
        let skip = u32::try_from(page.next_skip()?).ok()?;
        Some(ListPayments { query: self.query.clone().skip(skip) })
    }
}

/// `POST /payments/search`: the payments that match a query, in a period. `200`. A read, so no
/// idempotency key is needed. While more results follow, the API links the next page
/// (`_links.next`); the same search is posted to it.
#[derive(Debug, Clone)]
pub struct SearchPayments {
    request: PaymentSearchRequest,
    /// The `next` link of the page before, for pages after the first.
    next: Option<String>,
}

impl SearchPayments {
    /// The first page of `request`.
    pub fn new(request: PaymentSearchRequest) -> Self {
        SearchPayments { request, next: None }
    }
}

impl Operation for SearchPayments {
    type Data = Page<Payment>;
    fn method(&self) -> Method {
        Method::Post
    }
    fn path(&self) -> String {
        "payments/search".into()
    }
    fn is_idempotent(&self) -> bool {
        true
    }
    fn validate(&self) -> Result<(), Error> {
        self.request.check().map_err(|e| InvalidInput::Field(e).into())
    }
    fn body(&self, _config: &Config) -> Result<Option<Vec<u8>>, Error> {
        json_body(&self.request)
    }
    /// The first page goes to `payments/search`; later pages to the `next` link, which must lead
    /// to the same API: the request carries the credentials, and a link elsewhere is refused.
    fn build_request(&self, config: &Config) -> Result<HttpRequest, Error> {
        let Some(next) = &self.next else {
            return build_request_at(self, config, &self.path());
        };
        let path = next
            .strip_prefix(config.environment().base_url())
            .filter(|path| path.starts_with("payments/search") && path.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| InvalidInput::Request("the next page's link leads away from the API's base URL".into()))?;
        build_request_at(self, config, path)
    }
    fn expected_statuses(&self) -> &'static [u16] {
        &[200]
    }
    fn parse_success(&self, response: HttpResponse) -> Result<Response<Page<Payment>>, Error> {
        parse_typed(response)
    }
}

impl Paged for SearchPayments {
    type Item = Payment;
    fn next_page(&self, page: &Page<Payment>) -> Option<Self> {
        let link = page.next.as_ref()?;
        (!page.is_empty() && self.next.as_deref() != Some(link.href.as_str()))
            .then(|| SearchPayments { request: self.request.clone(), next: Some(link.href.clone()) })
    }
}

/// Walks every page of a [`Paged`] operation, without I/O: hands out each page's operation,
/// takes its page back, and keeps the items. Stops at the last page, and after
/// [`PageWalk::MAX_PAGES`] with an error rather than follow a server that never stops linking.
#[derive(Debug)]
pub struct PageWalk<P: Paged> {
    next: Option<P>,
    items: Vec<P::Item>,
    pages: u32,
}

impl<P: Paged> PageWalk<P> {
    /// The most pages one walk fetches.
    pub const MAX_PAGES: u32 = 1_000;

    /// A walk starting at `first`.
    pub fn new(first: P) -> Self {
        PageWalk { next: Some(first), items: Vec::new(), pages: 0 }
    }

    /// The operation of the next page to fetch, or `None` when the walk is over.
    pub fn next_op(&mut self) -> Option<P> {
        self.next.take()
    }

    /// Takes the page `op` fetched.
    ///
    /// # Errors
    ///
    /// A decode error when the API keeps linking pages past [`MAX_PAGES`](Self::MAX_PAGES).
    pub fn add(&mut self, op: &P, page: Page<P::Item>) -> Result<(), Error> {
        self.pages += 1;
        self.next = op.next_page(&page);
        self.items.extend(page.data);
        if self.next.is_some() && self.pages >= Self::MAX_PAGES {
            self.next = None;
            return Err(Error::from_decode(crate::error::DecodeError {
                kind: crate::error::DecodeErrorKind::WrongShape,
                status: 200,
                request_id: None,
                detail: format!("more than {} pages: narrow the query", Self::MAX_PAGES),
                elapsed: None,
            }));
        }
        Ok(())
    }

    /// The items of every page fetched, in order.
    pub fn into_items(self) -> Vec<P::Item> {
        self.items
    }
}
