//! Turning `async fn`s into synchronous functions that drive a runtime.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{ReturnType, Type};

use crate::args::{self, Config, Errors, Flavor};
use crate::crate_path::CratePath;
use crate::item::{is_test_attribute, AsyncFn};
use crate::{Kind, Support};

/// Implements `main`, `test`, `main_rt` and `test_rt`.
pub(crate) fn entry(
    kind: Kind,
    support: Support,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let detected = CratePath::detect();
    let parsed = args::parse(args, kind, support, detected.name());
    let mut errors = Errors(parsed.errors);
    let config = parsed.config;

    let function: AsyncFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(not_a_function(kind, &item, error));
            return with_errors(item, errors);
        }
    };

    if function.sig.asyncness.is_none() {
        errors.push(syn::Error::new_spanned(
            function.sig.fn_token,
            "the `async` keyword is missing from the function declaration",
        ));
        // The function is left as it is: it is valid code, so the only error
        // the user sees is the one above.
        return with_errors(item, errors);
    }

    let mut register_test = kind == Kind::Test;
    match kind {
        Kind::Main => {
            if function.sig.ident == "main" && !function.sig.inputs.is_empty() {
                errors.push(syn::Error::new_spanned(
                    &function.sig.inputs,
                    "the `main` function cannot take arguments",
                ));
            }
        }
        Kind::Test => {
            if !function.sig.inputs.is_empty() {
                errors.push(syn::Error::new_spanned(
                    &function.sig.inputs,
                    "test functions cannot take arguments",
                ));
                register_test = false;
            }
            if let Some(attr) = function.attrs.iter().find(|attr| is_test_attribute(attr)) {
                errors.push(syn::Error::new_spanned(
                    attr,
                    format!(
                        "second test attribute is supplied: `#[{}::test]` already marks the \
                         function as a test; remove this attribute or change the order of the \
                         test attributes",
                        display_crate(&config, &detected)
                    ),
                ));
                register_test = false;
            }
        }
    }

    let krate = match &config.crate_path {
        Some(path) => path.to_token_stream(),
        None => detected.to_path(),
    };
    let expanded = expand(&config, &krate, &function, register_test);
    with_errors(expanded, errors)
}

/// Implements `main_fail` and `test_fail`: kiso was built without a runtime.
pub(crate) fn fail(kind: Kind, item: TokenStream) -> TokenStream {
    let detected = CratePath::detect();
    let error = syn::Error::new(
        Span::call_site(),
        format!(
            "the `#[{}::{}]` attribute needs a runtime: enable kiso's `rt` feature \
             (or `rt-multi-thread`, which includes it)",
            detected.name(),
            kind.name()
        ),
    );
    // Keep a function with the same signature around, so that the error
    // above is not followed by errors about the function being missing or
    // being an `async fn main`.
    let stub = match syn::parse2::<AsyncFn>(item.clone()) {
        Ok(function) => {
            let mut sig = function.sig.clone();
            sig.asyncness = None;
            let attrs = function
                .attrs
                .iter()
                .filter(|attr| !is_test_attribute(attr));
            let vis = &function.vis;
            quote! {
                #(#attrs)*
                #[allow(unused_variables, clippy::diverging_sub_expression)]
                #vis #sig {
                    ::core::unreachable!()
                }
            }
        }
        Err(_) => item,
    };
    with_errors(stub, Errors(Some(error)))
}

fn with_errors(mut tokens: TokenStream, errors: Errors) -> TokenStream {
    if let Some(error) = errors.0 {
        tokens.extend(error.to_compile_error());
    }
    tokens
}

fn display_crate(config: &Config, detected: &CratePath) -> String {
    match &config.crate_path {
        Some(path) => args::path_to_string(path),
        None => detected.name().to_owned(),
    }
}

fn not_a_function(kind: Kind, item: &TokenStream, error: syn::Error) -> syn::Error {
    let has_fn = item
        .clone()
        .into_iter()
        .any(|tree| matches!(&tree, TokenTree::Ident(ident) if ident == "fn"));
    if has_fn {
        // Something inside the function is not understood; syn's own message
        // says what.
        error
    } else {
        syn::Error::new(
            error.span(),
            format!(
                "the `{}` attribute can only be applied to an `async fn`",
                kind.name()
            ),
        )
    }
}

/// The declared output type of the function, if it can be named inside the
/// body.
///
/// `impl Trait` cannot be written in the places the generated code puts the
/// type, and `!` cannot be written there on stable Rust; for those, the
/// output type is left to inference.
struct Output {
    /// The type; `()` when the function declares no return type.
    ty: TokenStream,
    /// The spans of the type's first and last tokens. Generated code that
    /// starts with the first and ends with the second is reported by the
    /// compiler as covering the whole return type.
    first: Span,
    last: Span,
}

fn nameable_output(function: &AsyncFn) -> Option<Output> {
    match &function.sig.output {
        ReturnType::Default => {
            let span = function.sig.paren_token.span.close();
            Some(Output {
                ty: quote_spanned!(span=> ()),
                first: span,
                last: span,
            })
        }
        ReturnType::Type(_, ty) => {
            let tokens = ty.to_token_stream();
            if matches!(**ty, Type::Never(_)) || mentions_impl(tokens.clone()) {
                return None;
            }
            let first = ty.span();
            let last = tokens.into_iter().last().map_or(first, |tree| match tree {
                TokenTree::Group(group) => group.span_close(),
                other => other.span(),
            });
            Some(Output {
                ty: ty.to_token_stream(),
                first,
                last,
            })
        }
    }
}

fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl(group.stream()),
        _ => false,
    })
}

/// Generates the synchronous function.
///
/// For `async fn name(args) -> Output { body }` the result is, in outline:
///
/// ```text
/// fn name(args) -> Output {
///     let body = async move { body };
///     let rt = <crate>::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime");
///     rt.block_on(body)
/// }
/// ```
///
/// with these refinements:
///
/// * The async block starts with a statement that is never executed but
///   returns a value of type `Output` (`if false { return ...; }`). That fixes
///   the block's output type before the user's statements are type-checked,
///   so `?` converts errors into `Output`'s error type and a wrong tail
///   expression or `return` value is reported at that expression, as it would
///   be in a plain function.
/// * For tests, the future is pinned on the stack and used as a
///   `Pin<&mut dyn Future<Output = Output>>`, so `block_on` is compiled once
///   per output type instead of once per test.
/// * The local variables use mixed-site hygiene, so they can neither clash
///   with nor be seen by the user's code.
fn expand(
    config: &Config,
    krate: &TokenStream,
    function: &AsyncFn,
    register_test: bool,
) -> TokenStream {
    let body = Ident::new("body", Span::mixed_site());
    let output = nameable_output(function);

    let anchor = output.as_ref().map(|output| {
        let ty = &output.ty;
        let path = quote_spanned!(output.first=> __kiso_output_type::<#ty>);
        let call = quote_spanned!(output.last=> #path());
        quote! {
            if false {
                #[allow(clippy::empty_loop)]
                fn __kiso_output_type<T>() -> T {
                    loop {}
                }
                return #call;
            }
        }
    });
    let stmts = &function.stmts;
    let block = function.braced(quote!(#anchor #stmts));

    let pin_for_test = match (&output, register_test) {
        (Some(Output { ty, .. }), true) => quote! {
            let #body = ::core::pin::pin!(#body);
            let #body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = #ty>> = #body;
        },
        _ => TokenStream::new(),
    };

    let runtime = build_runtime(config, krate);

    let mut sig = function.sig.clone();
    sig.asyncness = None;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let test_attr = register_test.then(|| quote!(#[::core::prelude::v1::test]));
    let fn_body = function.braced(quote! {
        let #body = async move #block;
        #pin_for_test
        #[allow(
            clippy::expect_used,
            clippy::diverging_sub_expression,
            clippy::needless_return
        )]
        {
            return #runtime.block_on(#body);
        }
    });

    quote! {
        #test_attr
        #(#attrs)*
        #vis #sig #fn_body
    }
}

/// The expression building the runtime, e.g.
/// `::kiso::runtime::Builder::new_current_thread().enable_all().build().expect(..)`.
///
/// The method name for each option carries the span of the option's name,
/// so that if kiso lacks the method (e.g. `start_paused` without the
/// `test-util` feature) the error points at the option.
fn build_runtime(config: &Config, krate: &TokenStream) -> TokenStream {
    let mut builder = match config.flavor {
        Flavor::MultiThread => quote!(#krate::runtime::Builder::new_multi_thread()),
        Flavor::CurrentThread | Flavor::Local => {
            quote!(#krate::runtime::Builder::new_current_thread())
        }
    };
    if let Some((threads, key)) = &config.worker_threads {
        let method = Ident::new("worker_threads", *key);
        builder = quote!(#builder.#method(#threads));
    }
    if let Some((paused, key)) = &config.start_paused {
        let method = Ident::new("start_paused", *key);
        builder = quote!(#builder.#method(#paused));
    }
    if let Some((name, key)) = &config.name {
        let method = Ident::new("name", *key);
        builder = quote!(#builder.#method(#name));
    }
    if let Some((behavior, key)) = &config.unhandled_panic {
        let method = Ident::new("unhandled_panic", *key);
        let variant = Ident::new(behavior.variant(), *key);
        builder = quote_spanned!(*key=>
            #builder.#method(#krate::runtime::UnhandledPanic::#variant)
        );
    }
    let build = match config.flavor {
        Flavor::Local => quote! {
            build_local(<#krate::runtime::LocalOptions as ::core::default::Default>::default())
        },
        Flavor::CurrentThread | Flavor::MultiThread => quote!(build()),
    };
    quote! {
        #builder.enable_all().#build.expect("Failed building the Runtime")
    }
}
