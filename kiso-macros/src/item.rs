//! A light-weight parse of the annotated function.
//!
//! Only the attributes, visibility and signature are parsed into syntax
//! trees. The statements of the body are kept as an opaque token stream: they
//! are pasted into the generated `async` block unchanged (with their original
//! spans), which keeps expansion cheap for large test bodies and means that
//! code syn cannot parse never trips up the attribute.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::{braced, AttrStyle, Attribute, Signature, Visibility};

pub(crate) struct AsyncFn {
    /// The outer attributes, followed by the body's inner attributes (`#![..]`)
    /// turned into outer ones: both apply to the function as a whole.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    /// The span of the body's braces.
    pub(crate) brace_span: Span,
    /// The statements of the body.
    pub(crate) stmts: TokenStream,
}

impl Parse for AsyncFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut attrs = Attribute::parse_outer(input)?;
        let vis: Visibility = input.parse()?;
        let sig: Signature = input.parse()?;
        let content;
        let brace = braced!(content in input);
        for mut attr in Attribute::parse_inner(&content)? {
            attr.style = AttrStyle::Outer;
            attrs.push(attr);
        }
        let stmts: TokenStream = content.parse()?;
        Ok(AsyncFn {
            attrs,
            vis,
            sig,
            brace_span: brace.span.join(),
            stmts,
        })
    }
}

impl AsyncFn {
    /// The statements wrapped in braces carrying the original body's span.
    pub(crate) fn braced(&self, stmts: TokenStream) -> Group {
        let mut group = Group::new(Delimiter::Brace, stmts);
        group.set_span(self.brace_span);
        group
    }
}

/// Whether `attr` is a built-in test attribute: `#[test]`, or one of the paths
/// the standard prelude offers it under, such as `#[::core::prelude::v1::test]`.
pub(crate) fn is_test_attribute(attr: &Attribute) -> bool {
    let path = attr.path();
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    match segments.as_slice() {
        [only] => only == "test" && path.leading_colon.is_none(),
        [root, prelude, _edition, test] => {
            (root == "core" || root == "std") && prelude == "prelude" && test == "test"
        }
        _ => false,
    }
}
