//! A small gRPC service, `kiso.test.Demo`, written by hand where protoc and
//! tonic-build would generate it: prost messages, a server routing paths to
//! tonic's `server::Grpc`, a client on tonic's `client::Grpc`. The tests in
//! `tests/` run it on kiso through the `tokio` facade.

use std::convert::Infallible;
use std::task::{Context, Poll};
use tonic::body::Body;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::codegen::{http, BoxFuture, BoxStream, Service};
use tonic::server::{
    ClientStreamingService, Grpc, NamedService, ServerStreamingService, StreamingService,
    UnaryService,
};
use tonic::{Request, Response, Status, Streaming};
use tonic_prost::ProstCodec;

#[derive(Clone, PartialEq, prost::Message)]
pub struct Greeting {
    #[prost(string, tag = "1")]
    pub name: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Reply {
    #[prost(string, tag = "1")]
    pub text: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Number {
    #[prost(uint64, tag = "1")]
    pub value: u64,
}

const SERVICE: &str = "kiso.test.Demo";
const GREET: &str = "/kiso.test.Demo/Greet";
const COUNT: &str = "/kiso.test.Demo/Count";
const SUM: &str = "/kiso.test.Demo/Sum";
const SHOUT: &str = "/kiso.test.Demo/Shout";

/// Unary: `hello, <name>` (and the caller from the `x-caller` metadata);
/// an empty name is `InvalidArgument`.
struct Greet;

impl UnaryService<Greeting> for Greet {
    type Response = Reply;
    type Future = BoxFuture<Response<Reply>, Status>;

    fn call(&mut self, request: Request<Greeting>) -> Self::Future {
        Box::pin(async move {
            let caller = request
                .metadata()
                .get("x-caller")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("anonymous")
                .to_owned();
            let name = request.into_inner().name;
            if name.is_empty() {
                return Err(Status::invalid_argument("name is empty"));
            }
            let mut response = Response::new(Reply {
                text: format!("hello, {name}"),
            });
            response
                .metadata_mut()
                .insert("x-served-for", caller.parse().unwrap());
            Ok(response)
        })
    }
}

/// Server streaming: 1, 2, ..., `value`.
struct Count;

impl ServerStreamingService<Number> for Count {
    type Response = Number;
    type ResponseStream = BoxStream<Number>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<Number>) -> Self::Future {
        let upto = request.into_inner().value;
        Box::pin(async move {
            let numbers = futures::stream::iter((1..=upto).map(|value| Ok(Number { value })));
            Ok(Response::new(Box::pin(numbers) as BoxStream<Number>))
        })
    }
}

/// Client streaming: the sum of the numbers sent.
struct Sum;

impl ClientStreamingService<Number> for Sum {
    type Response = Number;
    type Future = BoxFuture<Response<Number>, Status>;

    fn call(&mut self, request: Request<Streaming<Number>>) -> Self::Future {
        Box::pin(async move {
            let mut numbers = request.into_inner();
            let mut value = 0;
            while let Some(n) = numbers.message().await? {
                value += n.value;
            }
            Ok(Response::new(Number { value }))
        })
    }
}

/// Bidirectional: each text sent comes back in capitals, as it arrives.
struct Shout;

impl StreamingService<Reply> for Shout {
    type Response = Reply;
    type ResponseStream = BoxStream<Reply>;
    type Future = BoxFuture<Response<Self::ResponseStream>, Status>;

    fn call(&mut self, request: Request<Streaming<Reply>>) -> Self::Future {
        Box::pin(async move {
            let incoming = request.into_inner();
            let out = futures::stream::unfold(incoming, |mut incoming| async move {
                let next = incoming.message().await.transpose()?;
                let reply = next.map(|r| Reply {
                    text: r.text.to_uppercase(),
                });
                Some((reply, incoming))
            });
            Ok(Response::new(Box::pin(out) as BoxStream<Reply>))
        })
    }
}

/// The server side: what `tonic::transport::Server::add_service` takes.
#[derive(Clone, Default)]
pub struct DemoServer;

impl NamedService for DemoServer {
    const NAME: &'static str = SERVICE;
}

impl Service<http::Request<Body>> for DemoServer {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        match req.uri().path() {
            GREET => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<Reply, Greeting>::default());
                Ok(grpc.unary(Greet, req).await)
            }),
            COUNT => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<Number, Number>::default());
                Ok(grpc.server_streaming(Count, req).await)
            }),
            SUM => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<Number, Number>::default());
                Ok(grpc.client_streaming(Sum, req).await)
            }),
            SHOUT => Box::pin(async move {
                let mut grpc = Grpc::new(ProstCodec::<Reply, Reply>::default());
                Ok(grpc.streaming(Shout, req).await)
            }),
            _ => Box::pin(async { Ok(Status::unimplemented("no such method").into_http()) }),
        }
    }
}

/// The client side, over any tonic transport (a `Channel` in the tests).
#[derive(Clone)]
pub struct DemoClient<T> {
    inner: tonic::client::Grpc<T>,
}

impl<T> DemoClient<T>
where
    T: tonic::client::GrpcService<Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: tonic::codegen::Body<Data = tonic::codegen::Bytes> + Send + 'static,
    <T::ResponseBody as tonic::codegen::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    pub fn new(transport: T) -> Self {
        Self {
            inner: tonic::client::Grpc::new(transport),
        }
    }

    async fn ready(&mut self) -> Result<(), Status> {
        self.inner
            .ready()
            .await
            .map_err(|e| Status::unavailable(format!("transport not ready: {}", e.into())))
    }

    pub async fn greet(&mut self, request: Request<Greeting>) -> Result<Response<Reply>, Status> {
        self.ready().await?;
        let path = PathAndQuery::from_static(GREET);
        self.inner.unary(request, path, ProstCodec::default()).await
    }

    pub async fn count(&mut self, upto: u64) -> Result<Streaming<Number>, Status> {
        self.ready().await?;
        let path = PathAndQuery::from_static(COUNT);
        let request = Request::new(Number { value: upto });
        let response = self
            .inner
            .server_streaming(request, path, ProstCodec::default())
            .await?;
        Ok(response.into_inner())
    }

    pub async fn sum(
        &mut self,
        numbers: impl futures::Stream<Item = Number> + Send + 'static,
    ) -> Result<u64, Status> {
        self.ready().await?;
        let path = PathAndQuery::from_static(SUM);
        let response: Response<Number> = self
            .inner
            .client_streaming(Request::new(numbers), path, ProstCodec::default())
            .await?;
        Ok(response.into_inner().value)
    }

    pub async fn shout(
        &mut self,
        texts: impl futures::Stream<Item = Reply> + Send + 'static,
    ) -> Result<Streaming<Reply>, Status> {
        self.ready().await?;
        let path = PathAndQuery::from_static(SHOUT);
        let response = self
            .inner
            .streaming(Request::new(texts), path, ProstCodec::default())
            .await?;
        Ok(response.into_inner())
    }

    /// A method the server does not have.
    pub async fn missing(&mut self) -> Result<Response<Reply>, Status> {
        self.ready().await?;
        let path = PathAndQuery::from_static("/kiso.test.Demo/Missing");
        let request = Request::new(Greeting::default());
        self.inner.unary(request, path, ProstCodec::default()).await
    }
}
