//! Finding the name under which the user's crate can reach kiso.
//!
//! The generated code has to name `<kiso>::runtime::Builder`. A user can
//! depend on kiso under its own name (`kiso = "..."`), under a different name
//! (`tokio = { package = "kiso", ... }`, so that `#[tokio::main]` works
//! unchanged), or through a facade package called `tokio` that re-exports
//! kiso. The dependency table of the crate being compiled tells which one it
//! is; `proc-macro-crate` reads it for us.

use proc_macro2::{Ident, Span, TokenStream};
use proc_macro_crate::{crate_name, FoundCrate};
use quote::quote;

/// The crate kiso's API is reached through, as the user's crate names it.
pub(crate) struct CratePath {
    /// The name to put in generated paths, without the leading `::`.
    name: String,
}

impl CratePath {
    /// Looks kiso up in the manifest of the crate being compiled.
    ///
    /// * a dependency on the package `kiso`, whatever it is renamed to, wins;
    /// * when the crate being compiled is kiso itself (its integration tests,
    ///   examples and doctests), `kiso` is an extern crate of that name;
    /// * otherwise a dependency on a package called `tokio` is used, for a
    ///   facade crate that re-exports kiso under Tokio's name;
    /// * if neither is found (or the manifest cannot be read, e.g. outside
    ///   Cargo), `kiso` is assumed.
    pub(crate) fn detect() -> CratePath {
        let name = match crate_name("kiso") {
            Ok(FoundCrate::Name(name)) => name,
            Ok(FoundCrate::Itself) => "kiso".to_owned(),
            Err(_) => match crate_name("tokio") {
                Ok(FoundCrate::Name(name)) => name,
                Ok(FoundCrate::Itself) => "tokio".to_owned(),
                Err(_) => "kiso".to_owned(),
            },
        };
        CratePath { name }
    }

    /// The name as the user would write it, e.g. `tokio` or `kiso`.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The absolute path to the crate root, e.g. `::kiso`.
    pub(crate) fn to_path(&self) -> TokenStream {
        let ident = Ident::new(&self.name, Span::call_site());
        quote!(::#ident)
    }
}
