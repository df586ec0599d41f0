//! The expansion of `select!`.
//!
//! kiso's `select!` is a `macro_rules!` macro that hands its input to
//! [`expand`] together with `$crate` (the path to kiso as the calling crate
//! spells it, which `macro_rules!` resolves correctly even under a renamed
//! dependency). The input is
//!
//! ```text
//! ($crate) [biased;] <branch>* [else => <expr> [,]]
//! branch := <pattern> = <future> [, if <condition>] => <handler> [,]
//! ```
//!
//! where the comma after a handler may only be left out when the handler is
//! a `{ block }` or the last item. The output, in outline, for branches
//! `0..N`:
//!
//! ```text
//! {
//!     enum Output<T0, .., TN-1> { B0(T0), .., Disabled }
//!     let mut disabled: u64 = 0;
//!     if !(condition_i) { disabled |= 1 << i; }          // every condition first
//!     let output = {
//!         let init = (future_0, .., future_N-1);           // in this order
//!         let mut fut_i = pin!(IntoFuture::into_future(init.i));
//!         poll_fn(|cx| {
//!             // out of coop budget: yield
//!             // start at a random branch (0 when `biased;`), visit each once:
//!             //   skip it if disabled; poll it; if ready, disable it, and if
//!             //   its output matches the branch's pattern return B_i(output)
//!             // none pending and none matched: Disabled
//!         }).await
//!     };                                                   // futures dropped here
//!     match output { B_i(pattern_i) => handler_i, Disabled => else }
//! }
//! ```
//!
//! The locals of the expansion have mixed-site hygiene, so the user's
//! expressions can neither see nor shadow them. The expansion contains no
//! `unsafe`: the futures are pinned with `std::pin::pin!`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::{Parse, ParseStream, Parser};
use syn::{Expr, Pat, Token};

/// The most branches a `select!` can have: one bit each in a `u64`.
const MAX_BRANCHES: usize = 64;

struct Branch {
    pat: Pat,
    fut: Expr,
    cond: Option<Expr>,
    handler: Expr,
}

struct Input {
    krate: TokenStream,
    biased: bool,
    branches: Vec<Branch>,
    else_: Option<Expr>,
}

/// Splits off the leading `($crate)` group the wrapper macro passes.
pub(crate) fn split_crate(input: ParseStream<'_>) -> syn::Result<TokenStream> {
    match input.parse::<TokenTree>()? {
        TokenTree::Group(g) => Ok(g.stream()),
        other => Err(syn::Error::new(
            other.span(),
            "expected the crate path in parentheses",
        )),
    }
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let krate = split_crate(input)?;
        let biased = if input.peek(syn::Ident) && input.peek2(Token![;]) {
            let ident: syn::Ident = input.fork().parse()?;
            if ident == "biased" {
                input.parse::<syn::Ident>()?;
                input.parse::<Token![;]>()?;
                true
            } else {
                false
            }
        } else {
            false
        };
        let mut branches = Vec::new();
        let mut else_ = None;
        while !input.is_empty() {
            if input.peek(Token![else]) {
                let kw: Token![else] = input.parse()?;
                input.parse::<Token![=>]>()?;
                let e: Expr = input.parse()?;
                if input.peek(Token![,]) {
                    input.parse::<Token![,]>()?;
                }
                if !input.is_empty() {
                    return Err(syn::Error::new(
                        kw.span,
                        "the `else` branch of `select!` must come last",
                    ));
                }
                else_ = Some(e);
                break;
            }
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            if input.peek(Token![=>]) {
                return Err(input.error(
                    "expected `=` after the pattern of a `select!` branch: \
                     `<pattern> = <future> => <handler>`",
                ));
            }
            input.parse::<Token![=]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `=` after the pattern of a `select!` branch: \
                     `<pattern> = <future> => <handler>`",
                )
            })?;
            let fut: Expr = input.parse()?;
            let cond = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            input.parse::<Token![=>]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `=>` after the future of a `select!` branch: \
                     `<pattern> = <future> => <handler>` or \
                     `<pattern> = <future>, if <condition> => <handler>`",
                )
            })?;
            let handler = if input.peek(syn::token::Brace) {
                // A block handler ends the branch; the comma is optional.
                let block: syn::ExprBlock = input.parse()?;
                if input.peek(Token![,]) {
                    input.parse::<Token![,]>()?;
                }
                Expr::Block(block)
            } else {
                let e: Expr = input.parse()?;
                if !input.is_empty() {
                    input.parse::<Token![,]>().map_err(|err| {
                        syn::Error::new(
                            err.span(),
                            "expected `,` after the handler of a `select!` branch \
                             (only a `{ block }` handler may leave it out)",
                        )
                    })?;
                }
                e
            };
            branches.push(Branch {
                pat,
                fut,
                cond,
                handler,
            });
        }
        Ok(Input {
            krate,
            biased,
            branches,
            else_,
        })
    }
}

/// Removes what would stop `pat` from being matched against a reference to
/// the output: `ref`, `ref mut` and `mut` on bindings. The pattern is then
/// only used to test whether the output matches; the real bindings are made
/// later, from the original pattern.
fn clean_pattern(pat: &mut Pat) {
    match pat {
        Pat::Ident(p) => {
            p.by_ref = None;
            p.mutability = None;
            if let Some((_, sub)) = &mut p.subpat {
                clean_pattern(sub);
            }
        }
        Pat::Or(p) => p.cases.iter_mut().for_each(clean_pattern),
        Pat::Paren(p) => clean_pattern(&mut p.pat),
        Pat::Reference(p) => clean_pattern(&mut p.pat),
        Pat::Slice(p) => p.elems.iter_mut().for_each(clean_pattern),
        Pat::Struct(p) => p.fields.iter_mut().for_each(|f| clean_pattern(&mut f.pat)),
        Pat::Tuple(p) => p.elems.iter_mut().for_each(clean_pattern),
        Pat::TupleStruct(p) => p.elems.iter_mut().for_each(clean_pattern),
        Pat::Type(p) => clean_pattern(&mut p.pat),
        _ => {}
    }
}

/// Expands `select!`; errors become `compile_error!`s at their tokens.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    match Parser::parse2(Input::parse, input) {
        Ok(input) => generate(input),
        Err(e) => e.to_compile_error(),
    }
}

fn generate(input: Input) -> TokenStream {
    let Input {
        krate,
        biased,
        branches,
        else_,
    } = input;
    let n = branches.len();
    if n == 0 {
        return match else_ {
            Some(e) => quote!({ #e }),
            None => quote!(::core::compile_error!(
                "select! requires at least one branch."
            )),
        };
    }
    if n > MAX_BRANCHES {
        let span = syn::spanned::Spanned::span(&branches[MAX_BRANCHES].pat);
        return quote_spanned!(span=> ::core::compile_error!(
            "select! supports at most 64 branches; nest a second select! in a branch for more"
        ));
    }
    let support = quote!(#krate::macros::support);
    // Locals of the expansion: invisible to the user's code.
    let def = Span::mixed_site();
    let disabled = syn::Ident::new("disabled", def);
    let output = syn::Ident::new("output", def);
    let init = syn::Ident::new("init", def);
    let cx = syn::Ident::new("cx", def);
    let out = syn::Ident::new("out", def);
    let pending = syn::Ident::new("pending", def);
    let branch = syn::Ident::new("branch", def);
    let futs: Vec<syn::Ident> = (0..n)
        .map(|i| format_ident!("fut{}", i, span = def))
        .collect();
    let tys: Vec<syn::Ident> = (0..n).map(|i| format_ident!("T{}", i)).collect();
    let variants: Vec<syn::Ident> = (0..n).map(|i| format_ident!("B{}", i)).collect();
    let enum_name = syn::Ident::new("__KisoSelectOutput", Span::call_site());
    let n_u32 = n as u32;

    let conds = branches.iter().enumerate().filter_map(|(i, b)| {
        b.cond.as_ref().map(|c| {
            let bit = 1u64 << i;
            quote!(if !(#c) { #disabled |= #bit; })
        })
    });
    let fut_exprs = branches.iter().map(|b| &b.fut);
    let idx = (0..n).map(syn::Index::from);
    let pin_futs = futs.iter().zip(idx).map(
        |(f, i)| quote!(let mut #f = #support::pin!(#support::IntoFuture::into_future(#init.#i));),
    );

    let bodies: Vec<TokenStream> = branches
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let bit = 1u64 << i;
            let f = &futs[i];
            let v = &variants[i];
            let mut test = b.pat.clone();
            clean_pattern(&mut test);
            quote! {
                {
                    if #disabled & #bit == 0 {
                        match #support::Future::poll(#f.as_mut(), #cx) {
                            #support::Poll::Ready(#out) => {
                                // A branch that completed is never polled again,
                                // whether or not its output matches.
                                #disabled |= #bit;
                                #[allow(unused_variables, unreachable_patterns)]
                                let matched = match &#out {
                                    #test => true,
                                    _ => false,
                                };
                                if matched {
                                    return #support::Poll::Ready(#enum_name::#v(#out));
                                }
                            }
                            #support::Poll::Pending => #pending = true,
                        }
                    }
                }
            }
        })
        .collect();

    // Visit every branch once, from `start` round to `start - 1`: the
    // branches at or after `start` in written order, then those before it.
    // Unrolled, so each step is a predictable compare instead of an
    // indirect jump.
    let visit = if biased || n == 1 {
        quote!(#(#bodies)*)
    } else {
        let idx: Vec<u32> = (0..n as u32).collect();
        quote! {
            let #branch: u32 = #support::thread_rng_n(#n_u32);
            #(if #idx >= #branch #bodies)*
            #(if #idx < #branch #bodies)*
        }
    };

    let handlers = branches.iter().zip(&variants).map(|(b, v)| {
        let pat = &b.pat;
        let h = &b.handler;
        quote!(#enum_name::#v(#pat) => #h,)
    });
    let else_expr = match else_ {
        Some(e) => quote!(#e),
        None => quote!(::core::panic!(
            "all branches are disabled and there is no else branch"
        )),
    };

    quote! {{
        #[allow(dead_code, non_camel_case_types, clippy::enum_variant_names)]
        enum #enum_name<#(#tys,)*> {
            #(#variants(#tys),)*
            Disabled,
        }
        #[allow(unused_mut)]
        let mut #disabled: u64 = 0;
        #(#conds)*
        #[allow(unused_mut)]
        let mut #output = {
            // The futures are built in order, after every condition, in one
            // tuple so that temporaries they borrow live as long as they do.
            let #init = (#(#fut_exprs,)*);
            #(#pin_futs)*
            #support::poll_fn(move |#cx: &mut #support::Context<'_>| {
                // A task out of coop budget yields here, instead of running
                // on through ready branches that do not check the budget.
                #support::ready!(#support::poll_budget_available(#cx));
                let mut #pending = false;
                #visit
                if #pending {
                    #support::Poll::Pending
                } else {
                    #support::Poll::Ready(#enum_name::Disabled)
                }
            })
            .await
        };
        #[allow(unreachable_patterns, unreachable_code, unused_variables)]
        match #output {
            #(#handlers)*
            #enum_name::Disabled => #else_expr,
            _ => ::core::unreachable!("select!: an output that matched its pattern no longer does"),
        }
    }}
}
