#[derive(Debug)]
enum AppError {
    Io,
    Format,
}

impl From<std::io::Error> for AppError {
    fn from(_: std::io::Error) -> Self {
        AppError::Io
    }
}

impl From<std::fmt::Error> for AppError {
    fn from(_: std::fmt::Error) -> Self {
        AppError::Format
    }
}

#[kiso::main]
async fn main() -> Result<(), AppError> {
    // `?` converts into the declared error type, which has no conversion
    // from `ParseIntError`.
    let _number: u32 = "12".parse()?;
    Ok(())
}
