//! Parsing and validation of the attribute arguments, e.g. the
//! `flavor = "multi_thread", worker_threads = 4` in
//! `#[kiso::main(flavor = "multi_thread", worker_threads = 4)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Lit, LitBool, LitInt, LitStr, Meta, MetaNameValue, Token};

use crate::{Kind, Support};

/// The options the attributes understand, in the order they are listed in
/// error messages.
const KNOWN_OPTIONS: &str =
    "`flavor`, `worker_threads`, `start_paused`, `crate`, `name`, `unhandled_panic`";

/// Which runtime the generated code builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `Builder::new_current_thread()`.
    CurrentThread,
    /// `Builder::new_multi_thread()`.
    MultiThread,
    /// `Builder::new_current_thread()` finished with `build_local(..)`.
    Local,
}

impl Flavor {
    fn from_str(value: &str) -> Option<Flavor> {
        match value {
            "current_thread" => Some(Flavor::CurrentThread),
            "multi_thread" => Some(Flavor::MultiThread),
            "local" => Some(Flavor::Local),
            _ => None,
        }
    }
}

/// The value of the `unhandled_panic` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnhandledPanic {
    Ignore,
    ShutdownRuntime,
}

impl UnhandledPanic {
    /// The name of the matching `runtime::UnhandledPanic` variant.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            UnhandledPanic::Ignore => "Ignore",
            UnhandledPanic::ShutdownRuntime => "ShutdownRuntime",
        }
    }
}

/// The validated configuration used to generate code.
///
/// Every `Some` field keeps the value the user wrote together with the span
/// of the option's name, so that code generated for that option can carry
/// those spans: if the option is not available (for instance `start_paused`
/// without kiso's `test-util` feature), the compiler's error then points at
/// the option in the attribute.
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: Option<(LitInt, Span)>,
    pub(crate) start_paused: Option<(LitBool, Span)>,
    pub(crate) crate_path: Option<syn::Path>,
    pub(crate) name: Option<(LitStr, Span)>,
    pub(crate) unhandled_panic: Option<(UnhandledPanic, Span)>,
}

impl Config {
    /// The configuration used when no option is given at all.
    pub(crate) fn default_for(kind: Kind, support: Support) -> Config {
        Config {
            flavor: default_flavor(kind, support),
            worker_threads: None,
            start_paused: None,
            crate_path: None,
            name: None,
            unhandled_panic: None,
        }
    }
}

fn default_flavor(kind: Kind, support: Support) -> Flavor {
    match (kind, support) {
        (Kind::Main, Support::MultiThread) => Flavor::MultiThread,
        _ => Flavor::CurrentThread,
    }
}

/// The options as written, before they are checked against each other.
#[derive(Default)]
struct Raw {
    /// The names of the options seen so far, valid or not, to report
    /// duplicates.
    seen: Vec<String>,
    flavor: Option<(Flavor, LitStr)>,
    worker_threads: Option<(LitInt, Span)>,
    start_paused: Option<(LitBool, Span)>,
    crate_path: Option<syn::Path>,
    name: Option<(LitStr, Span)>,
    unhandled_panic: Option<(UnhandledPanic, LitStr, Span)>,
}

/// Collects errors so that all problems in one attribute are reported at once.
#[derive(Default)]
pub(crate) struct Errors(pub(crate) Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn spanned<T: quote::ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }
}

/// The result of parsing the arguments.
///
/// Even when the arguments contain mistakes, a usable configuration is
/// returned (with the faulty options left out) together with the errors, so
/// the function can still be expanded and the user sees only the errors about
/// the attribute, not follow-up errors about an `async fn main`.
pub(crate) struct Parsed {
    pub(crate) config: Config,
    pub(crate) errors: Option<syn::Error>,
}

/// Parses and validates the attribute's arguments.
///
/// `detected_crate` is the name kiso was found under; it is only used to
/// spell the attribute in suggestions, e.g. `#[tokio::test(...)]`.
pub(crate) fn parse(
    args: TokenStream,
    kind: Kind,
    support: Support,
    detected_crate: &str,
) -> Parsed {
    let mut errors = Errors::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => {
            return Parsed {
                config: Config::default_for(kind, support),
                errors: Some(error),
            };
        }
    };

    let mut raw = Raw::default();
    for meta in metas {
        match meta {
            Meta::NameValue(name_value) => parse_option(&mut raw, &mut errors, &name_value),
            Meta::Path(path) => {
                let message = match path.get_ident().map(ToString::to_string).as_deref() {
                    Some("multi_thread" | "threaded_scheduler") => {
                        "the runtime flavor is selected with the `flavor` option: \
                         write `flavor = \"multi_thread\"`"
                            .to_owned()
                    }
                    Some("current_thread" | "basic_scheduler") => {
                        "the runtime flavor is selected with the `flavor` option: \
                         write `flavor = \"current_thread\"`"
                            .to_owned()
                    }
                    Some(
                        option @ ("flavor" | "worker_threads" | "start_paused" | "crate" | "name"
                        | "unhandled_panic"),
                    ) => format!("the `{option}` option needs a value: write `{option} = ...`"),
                    Some(other) => unknown_option_message(other),
                    None => "expected an option name such as `flavor`".to_owned(),
                };
                errors.spanned(&path, message);
            }
            Meta::List(list) => {
                errors.spanned(
                    &list,
                    format!(
                        "options are written as `name = value`, not as a list; \
                         the known options are {KNOWN_OPTIONS}"
                    ),
                );
            }
        }
    }

    let config = validate(raw, kind, support, detected_crate, &mut errors);
    Parsed {
        config,
        errors: errors.0,
    }
}

fn unknown_option_message(name: &str) -> String {
    format!("unknown option `{name}`; the known options are {KNOWN_OPTIONS}")
}

/// Strips the invisible groups a `macro_rules!` expansion may wrap around an
/// expression fragment.
fn peel(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => peel(&group.expr),
        other => other,
    }
}

fn literal(expr: &Expr) -> Option<&Lit> {
    match peel(expr) {
        Expr::Lit(lit) => Some(&lit.lit),
        _ => None,
    }
}

fn parse_option(raw: &mut Raw, errors: &mut Errors, name_value: &MetaNameValue) {
    let Some(ident) = name_value.path.get_ident() else {
        errors.spanned(
            &name_value.path,
            "expected an option name such as `flavor`, not a path",
        );
        return;
    };
    let option = ident.to_string();
    let key = ident.span();
    let value = &name_value.value;

    match option.as_str() {
        "flavor" | "worker_threads" | "start_paused" | "crate" | "name" | "unhandled_panic" => {}
        "core_threads" => {
            errors.spanned(
                name_value,
                "the `core_threads` option has been renamed to `worker_threads`",
            );
            return;
        }
        "max_threads" => {
            errors.spanned(
                name_value,
                "the `max_threads` option is not supported; \
                 use `runtime::Builder` to configure the blocking thread pool",
            );
            return;
        }
        other => {
            errors.spanned(&name_value.path, unknown_option_message(other));
            return;
        }
    }
    if raw.seen.contains(&option) {
        errors.spanned(
            name_value,
            format!("the `{option}` option is given more than once"),
        );
        return;
    }
    raw.seen.push(option.clone());

    match option.as_str() {
        "flavor" => {
            let Some(Lit::Str(lit)) = literal(value) else {
                errors.spanned(
                    value,
                    "`flavor` expects a string literal: \
                     `flavor = \"current_thread\"` or `flavor = \"multi_thread\"`",
                );
                return;
            };
            match Flavor::from_str(&lit.value()) {
                Some(flavor) => raw.flavor = Some((flavor, lit.clone())),
                None => errors.spanned(
                    lit,
                    format!(
                        "unknown runtime flavor `{}`; the runtime flavors are \
                         `current_thread`, `multi_thread` and `local`",
                        lit.value()
                    ),
                ),
            }
        }
        "worker_threads" => {
            let Some(Lit::Int(lit)) = literal(value) else {
                errors.spanned(
                    value,
                    "`worker_threads` expects a positive integer literal, \
                     like `worker_threads = 4`",
                );
                return;
            };
            match lit.base10_parse::<usize>() {
                Ok(0) => errors.spanned(lit, "`worker_threads` must be at least 1"),
                Ok(threads) => {
                    raw.worker_threads = Some((LitInt::new(&threads.to_string(), lit.span()), key));
                }
                Err(error) => errors.spanned(
                    lit,
                    format!("`worker_threads` is not a valid thread count: {error}"),
                ),
            }
        }
        "start_paused" => match literal(value) {
            Some(Lit::Bool(lit)) => raw.start_paused = Some((lit.clone(), key)),
            _ => errors.spanned(
                value,
                "`start_paused` expects a boolean literal: `start_paused = true`",
            ),
        },
        "crate" => {
            let Some(Lit::Str(lit)) = literal(value) else {
                errors.spanned(
                    value,
                    "`crate` expects a string literal holding a path, like `crate = \"my_kiso\"`",
                );
                return;
            };
            match lit.parse::<syn::Path>() {
                Ok(path) => raw.crate_path = Some(path),
                Err(_) => errors.spanned(
                    lit,
                    format!(
                        "`crate` expects a path, like `crate = \"my_kiso\"`; `{}` is not a path",
                        lit.value()
                    ),
                ),
            }
        }
        "name" => match literal(value) {
            Some(Lit::Str(lit)) => raw.name = Some((lit.clone(), key)),
            _ => errors.spanned(
                value,
                "`name` expects a string literal, like `name = \"my-runtime\"`",
            ),
        },
        "unhandled_panic" => {
            let Some(Lit::Str(lit)) = literal(value) else {
                errors.spanned(
                    value,
                    "`unhandled_panic` expects a string literal: \
                     `unhandled_panic = \"ignore\"` or `unhandled_panic = \"shutdown_runtime\"`",
                );
                return;
            };
            let behavior = match lit.value().as_str() {
                "ignore" => UnhandledPanic::Ignore,
                "shutdown_runtime" => UnhandledPanic::ShutdownRuntime,
                other => {
                    errors.spanned(
                        lit,
                        format!(
                            "unknown unhandled panic behavior `{other}`; \
                             the behaviors are `ignore` and `shutdown_runtime`"
                        ),
                    );
                    return;
                }
            };
            raw.unhandled_panic = Some((behavior, lit.clone(), key));
        }
        _ => unreachable!("option names were checked above"),
    }
}

/// Checks the options against each other and against the runtimes kiso was
/// built with.
fn validate(
    raw: Raw,
    kind: Kind,
    support: Support,
    detected_crate: &str,
    errors: &mut Errors,
) -> Config {
    let attr = match &raw.crate_path {
        Some(path) => format!("{}::{}", path_to_string(path), kind.name()),
        None => format!("{detected_crate}::{}", kind.name()),
    };
    let mut config = Config::default_for(kind, support);
    config.crate_path = raw.crate_path;
    config.name = raw.name;

    let explicit = raw.flavor.is_some();
    match &raw.flavor {
        Some((Flavor::MultiThread, lit)) if support == Support::CurrentThread => {
            errors.spanned(
                lit,
                "the `multi_thread` runtime flavor needs kiso's `rt-multi-thread` feature, \
                 which is not enabled",
            );
        }
        Some((flavor, _)) => config.flavor = *flavor,
        None => {}
    }

    if let Some((threads, key)) = raw.worker_threads {
        if config.flavor == Flavor::MultiThread {
            config.worker_threads = Some((threads, key));
        } else if !explicit && kind == Kind::Main && support == Support::CurrentThread {
            errors.spanned(
                &threads,
                "`worker_threads` needs the `multi_thread` runtime flavor, \
                 which needs kiso's `rt-multi-thread` feature; that feature is not enabled",
            );
        } else if raw
            .flavor
            .as_ref()
            .is_some_and(|(f, _)| *f == Flavor::MultiThread)
        {
            // The flavor itself was already reported as unavailable.
        } else {
            errors.spanned(
                &threads,
                format!(
                    "`worker_threads` can only be used with the `multi_thread` runtime flavor; \
                     write `#[{attr}(flavor = \"multi_thread\", worker_threads = {})]`",
                    threads.base10_digits()
                ),
            );
        }
    }

    if let Some((paused, key)) = raw.start_paused {
        if config.flavor == Flavor::MultiThread {
            errors.spanned(
                &paused,
                format!(
                    "`start_paused` can only be used with the `current_thread` runtime flavor; \
                     write `#[{attr}(flavor = \"current_thread\", start_paused = {})]`",
                    paused.value
                ),
            );
        } else {
            config.start_paused = Some((paused, key));
        }
    }

    if let Some((behavior, lit, key)) = raw.unhandled_panic {
        if config.flavor == Flavor::MultiThread {
            errors.spanned(
                &lit,
                format!(
                    "`unhandled_panic` can only be used with the `current_thread` runtime flavor; \
                     write `#[{attr}(flavor = \"current_thread\", unhandled_panic = {})]`",
                    quote::ToTokens::to_token_stream(&lit)
                ),
            );
        } else {
            config.unhandled_panic = Some((behavior, key));
        }
    }

    config
}

/// Spells a path the way it would be written in source, e.g. `::my::kiso`.
pub(crate) fn path_to_string(path: &syn::Path) -> String {
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect();
    let joined = segments.join("::");
    if path.leading_colon.is_some() {
        format!("::{joined}")
    } else {
        joined
    }
}
