//! The expansions of `join!` and `try_join!`.
//!
//! Like `select!`, both are `macro_rules!` wrappers that pass `($crate)` and
//! their input here. The input is `[biased;] <future>, ..., <future> [,]`.
//! The output, in outline, for futures `0..N`:
//!
//! ```text
//! {
//!     let mut fut_i = pin!(MaybeDone::new(IntoFuture::into_future(future_i)));
//!     let mut next: u32 = 0;
//!     poll_fn(|cx| {
//!         // visit each future once, starting at `next` (always 0 when
//!         // `biased;`), and move `next` on by one for the next poll, so a
//!         // future that spends the whole coop budget cannot starve the
//!         // ones after it: poll each that is not done yet. try_join!: a
//!         // future that finished with `Err` ends the join with that error.
//!         // all done: Ready((out_0, ..)) (try_join!: Ok((ok_0, ..)))
//!     }).await
//! }
//! ```
//!
//! A future is dropped as soon as it completes (its output takes its place);
//! the rest are dropped when the join completes or is dropped.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

struct Input {
    krate: TokenStream,
    biased: bool,
    futures: Vec<Expr>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate = crate::select::split_crate(input)?;
        let mut biased = false;
        if input.peek(syn::Ident) && input.peek2(Token![;]) {
            let ident: syn::Ident = input.parse()?;
            if ident != "biased" {
                return Err(syn::Error::new(
                    ident.span(),
                    "expected `biased;` or a future",
                ));
            }
            input.parse::<Token![;]>()?;
            biased = true;
        }
        let futures = Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
        Ok(Input {
            krate,
            biased,
            futures: futures.into_iter().collect(),
        })
    }
}

/// Which of the two macros is expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Join,
    TryJoin,
}

pub(crate) fn expand(kind: Kind, input: TokenStream) -> TokenStream {
    match Parser::parse2(Input::parse, input) {
        Ok(input) => generate(kind, input),
        Err(e) => e.to_compile_error(),
    }
}

fn generate(kind: Kind, input: Input) -> TokenStream {
    let Input {
        krate,
        biased,
        futures,
    } = input;
    let n = futures.len();
    if n == 0 {
        // Still an `.await`, so that it is only usable where the non-empty
        // form is.
        return match kind {
            Kind::Join => quote!(async {}.await),
            Kind::TryJoin => quote!(async { ::core::result::Result::Ok(()) }.await),
        };
    }
    if n > u32::MAX as usize {
        return quote!(::core::compile_error!("too many futures"));
    }
    let support = quote!(#krate::macros::support);
    let def = Span::mixed_site();
    let cx = syn::Ident::new("cx", def);
    let pending = syn::Ident::new("pending", def);
    let branch = syn::Ident::new("branch", def);
    let next = syn::Ident::new("next", def);
    let futs: Vec<syn::Ident> = (0..n)
        .map(|i| format_ident!("fut{}", i, span = def))
        .collect();
    let n_u32 = n as u32;

    let pin_futs = futs.iter().zip(&futures).map(|(f, e)| {
        quote! {
            let mut #f = #support::pin!(#support::MaybeDone::new(
                #support::IntoFuture::into_future(#e)
            ));
        }
    });

    let bodies: Vec<TokenStream> = futs
        .iter()
        .map(|f| {
            let on_ready = match kind {
                Kind::Join => quote!(),
                Kind::TryJoin => quote! {
                    else if #f.as_mut().is_err() {
                        return #support::Poll::Ready(#f.as_mut().take_err());
                    }
                },
            };
            quote! {
                {
                    if !#f.as_mut().poll_done(#cx) {
                        #pending = true;
                    } #on_ready
                }
            }
        })
        .collect();

    // Visit every future once, from `start` round to `start - 1`, unrolled
    // (see `select!`). The first poll starts at 0, so the common case of
    // futures that are ready at once only takes the first, predictable, run.
    let rotate = n > 1 && !biased;
    let visit = if rotate {
        let idx: Vec<u32> = (0..n as u32).collect();
        quote! {
            let #branch: u32 = #next;
            #next = if #next + 1 == #n_u32 { 0 } else { #next + 1 };
            #(if #idx >= #branch #bodies)*
            #(if #idx < #branch #bodies)*
        }
    } else {
        quote!(#(#bodies)*)
    };
    let next_decl = if rotate {
        quote!(let mut #next: u32 = 0;)
    } else {
        quote!()
    };
    let done = match kind {
        Kind::Join => quote!((#(#futs.as_mut().take_output(),)*)),
        Kind::TryJoin => quote!(#support::Result::Ok((#(#futs.as_mut().take_ok(),)*))),
    };

    quote! {{
        #(#pin_futs)*
        #next_decl
        #support::poll_fn(move |#cx: &mut #support::Context<'_>| {
            let mut #pending = false;
            #visit
            if #pending {
                return #support::Poll::Pending;
            }
            // An output type may be uninhabited (`Infallible`).
            #[allow(unreachable_code)]
            #support::Poll::Ready(#done)
        })
        .await
    }}
}
