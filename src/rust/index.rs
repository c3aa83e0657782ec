//! The crate index: the functions of every scanned crate, collected in a first pass
//! so that a call in one file can be resolved to an `async fn` defined in another.

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;

use syn::visit::Visit;

use super::location::FileLocation;

/// What the rules need to know about one function or method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnSummary {
    pub name: String,
    /// The module it is defined in, inside its crate.
    pub module: Vec<String>,
    /// The type (or trait) of the `impl` / `trait` block for a method.
    pub owner: Option<String>,
    /// Calling it produces a future: an `async fn`, or a sync `fn` returning
    /// `impl Future`, `BoxFuture` or `Pin<Box<dyn Future>>`.
    pub returns_future: bool,
    /// Its output is a `Result` (`Result<..>`, `io::Result<..>`, `anyhow::Result<..>`).
    pub returns_result: bool,
    /// Its body acquires a semaphore permit, so running many at once is bounded.
    pub acquires_permit: bool,
}

/// The functions of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub crate_key: PathBuf,
    pub functions: Vec<FnSummary>,
}

impl FileSummary {
    pub fn new(location: &FileLocation, file: &syn::File) -> Self {
        let mut collector = Collector {
            module: location.module.clone(),
            owner: None,
            functions: Vec::new(),
        };
        collector.visit_file(file);
        FileSummary {
            crate_key: location.crate_key.clone(),
            functions: collector.functions,
        }
    }
}

struct Collector {
    module: Vec<String>,
    owner: Option<String>,
    functions: Vec<FnSummary>,
}

impl Collector {
    fn add(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, body: Option<&syn::Block>) {
        let is_entry_point = attrs.iter().any(is_runtime_entry_point);
        self.functions.push(FnSummary {
            name: sig.ident.to_string(),
            module: self.module.clone(),
            owner: self.owner.clone(),
            returns_future: !is_entry_point
                && (sig.asyncness.is_some() || returns_future(&sig.output)),
            returns_result: returns_result(sig),
            acquires_permit: body.is_some_and(acquires_permit),
        });
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.module.pop();
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        // Functions nested in bodies are not reachable by path; skip the body.
        self.add(&item.attrs, &item.sig, Some(&item.block));
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let previous = self
            .owner
            .replace(type_name(&item.self_ty).unwrap_or_default());
        for impl_item in &item.items {
            if let syn::ImplItem::Fn(method) = impl_item {
                self.add(&method.attrs, &method.sig, Some(&method.block));
            }
        }
        self.owner = previous;
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        let previous = self.owner.replace(item.ident.to_string());
        for trait_item in &item.items {
            if let syn::TraitItem::Fn(method) = trait_item {
                self.add(&method.attrs, &method.sig, method.default.as_ref());
            }
        }
        self.owner = previous;
    }
}

/// `#[tokio::main]`, `#[tokio::test]`, `#[async_std::main]`, `#[actix_web::main]`:
/// the macro turns the `async fn` into a sync function that runs a runtime.
fn is_runtime_entry_point(attr: &syn::Attribute) -> bool {
    let segments = &attr.path().segments;
    segments.len() >= 2
        && segments
            .last()
            .is_some_and(|last| last.ident == "main" || last.ident == "test")
}

/// The last identifier of a type path: `crate::net::Client<T>` → `Client`.
pub fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(reference) => type_name(&reference.elem),
        syn::Type::Paren(inner) => type_name(&inner.elem),
        syn::Type::Group(inner) => type_name(&inner.elem),
        _ => None,
    }
}

fn returns_future(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    is_future_type(ty)
}

/// `impl Future<..>`, `BoxFuture<..>`, `LocalBoxFuture<..>`, `Pin<Box<dyn Future<..>>>`.
fn is_future_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::ImplTrait(bounds) => bounds.bounds.iter().any(bound_is_future),
        syn::Type::TraitObject(bounds) => bounds.bounds.iter().any(bound_is_future),
        syn::Type::Path(path) => {
            let Some(last) = path.path.segments.last() else {
                return false;
            };
            match last.ident.to_string().as_str() {
                "BoxFuture" | "LocalBoxFuture" => true,
                "Pin" | "Box" => generic_types(last).any(is_future_type),
                _ => false,
            }
        }
        syn::Type::Paren(inner) => is_future_type(&inner.elem),
        syn::Type::Group(inner) => is_future_type(&inner.elem),
        _ => false,
    }
}

fn bound_is_future(bound: &syn::TypeParamBound) -> bool {
    matches!(bound, syn::TypeParamBound::Trait(t)
        if t.path.segments.last().is_some_and(|s| s.ident == "Future"))
}

fn generic_types(segment: &syn::PathSegment) -> impl Iterator<Item = &syn::Type> {
    let arguments = match &segment.arguments {
        syn::PathArguments::AngleBracketed(arguments) => Some(arguments),
        _ => None,
    };
    arguments
        .into_iter()
        .flat_map(|arguments| arguments.args.iter())
        .filter_map(|argument| match argument {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
}

/// Does the function's output (for a future-returning `fn`, the future's output)
/// name `Result`?
fn returns_result(sig: &syn::Signature) -> bool {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return false;
    };
    is_result_type(ty) || future_output(ty).is_some_and(is_result_type)
}

fn is_result_type(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "Result"))
}

/// The `Output = T` of `impl Future<Output = T>`.
fn future_output(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::ImplTrait(bounds) = ty else {
        return None;
    };
    bounds.bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(t) = bound else {
            return None;
        };
        let last = t.path.segments.last()?;
        let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
            return None;
        };
        arguments.args.iter().find_map(|argument| match argument {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// Method names that take a semaphore permit (tokio, async-lock, async-std).
pub const PERMIT_METHODS: &[&str] = &[
    "acquire",
    "acquire_owned",
    "acquire_many",
    "acquire_many_owned",
    "acquire_arc",
];

/// Does this code take a semaphore permit anywhere (not counting nested items)?
pub fn acquires_permit(block: &syn::Block) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if PERMIT_METHODS.iter().any(|name| call.method == name) {
                self.0 = true;
            }
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut finder = Finder(false);
    finder.visit_block(block);
    finder.0
}

/// The functions of all scanned crates, by crate and name.
#[derive(Debug, Default)]
pub struct CrateIndex {
    crates: HashMap<PathBuf, HashMap<String, Vec<FnSummary>>>,
}

impl CrateIndex {
    pub fn insert(&mut self, summary: FileSummary) {
        let functions = self.crates.entry(summary.crate_key).or_default();
        for function in summary.functions {
            functions
                .entry(function.name.clone())
                .or_default()
                .push(function);
        }
    }

    /// The names of every future-returning function of every crate.
    pub fn future_fn_names(&self) -> impl Iterator<Item = &str> {
        self.crates
            .values()
            .flat_map(|functions| functions.values().flatten())
            .filter(|function| function.returns_future)
            .map(|function| function.name.as_str())
    }

    /// Every function named `name` in the crate `crate_key`.
    pub fn named<'a>(
        &'a self,
        crate_key: &std::path::Path,
        name: &str,
    ) -> impl Iterator<Item = &'a FnSummary> + 'a {
        self.crates
            .get(crate_key)
            .and_then(|functions| functions.get(name))
            .into_iter()
            .flatten()
    }
}
