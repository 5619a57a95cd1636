//! Tables in and out through the Arrow PyCapsule interface (`__arrow_c_stream__`), with
//! arrow-array's own C stream FFI: no pyarrow at build or run time.
//!
//! The one `unsafe` statement of the crate is here: moving the C stream out of the
//! capsule a producer hands over (as arrow-rs's own `arrow-pyarrow` does). Exporting is
//! safe code only.

use std::ffi::CStr;

use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::ffi::FFI_ArrowSchema;
use arrow_schema::{ArrowError, SchemaRef};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The capsule name the interface fixes for `__arrow_c_stream__`.
const STREAM_CAPSULE: &CStr = c"arrow_array_stream";
/// The capsule name the interface fixes for `__arrow_c_schema__`.
const SCHEMA_CAPSULE: &CStr = c"arrow_schema";

/// Calls `obj.__arrow_c_stream__()` and moves the stream out of the returned capsule.
pub fn import_stream(obj: &Bound<'_, PyAny>) -> PyResult<RecordBatchStreamReader> {
    let py = obj.py();
    let capsule = obj.call_method0(pyo3::intern!(py, "__arrow_c_stream__"))?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_stream__ did not return a PyCapsule"))?;
    // checks the name and that the pointer is not null
    let ptr = capsule
        .pointer_checked(Some(STREAM_CAPSULE))?
        .cast::<FFI_ArrowArrayStream>();
    #[expect(
        unsafe_code,
        reason = "the Arrow C stream is handed over as a raw pointer in a capsule"
    )]
    // SAFETY:
    // * A capsule named "arrow_array_stream" holds, by the PyCapsule interface, a valid,
    //   aligned, initialised `struct ArrowArrayStream`, which `FFI_ArrowArrayStream`
    //   mirrors (`#[repr(C)]`).
    // * The capsule is alive for this whole call (`capsule` holds it) and the GIL is held,
    //   so no other thread touches it while the stream is moved out.
    // * `from_raw` replaces the struct with an empty one whose `release` is NULL: the
    //   producer's capsule destructor then does nothing, and the stream is released once,
    //   when the moved-out value is dropped.
    // * `ptr` is not used again.
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr()) };
    RecordBatchStreamReader::try_new(stream).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A table made in Rust, handed to Python through `__arrow_c_stream__` (pyarrow's
/// `pa.table(t)`, polars' `pl.DataFrame(t)` and others read it without a copy).
#[pyclass(frozen, module = "shequ._native", name = "ArrowTable")]
pub struct ArrowTable {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowTable {
    /// A new stream over the table's batches (the interface allows ignoring the
    /// requested schema).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader: Box<dyn RecordBatchReader + Send> = Box::new(RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok::<_, ArrowError>),
            self.schema.clone(),
        ));
        // the capsule owns the stream: its destructor drops it, and dropping releases it
        // only if no consumer moved it out first
        PyCapsule::new_with_value(py, FFI_ArrowArrayStream::new(reader), STREAM_CAPSULE)
    }

    /// The schema alone.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let ffi = FFI_ArrowSchema::try_from(self.schema.as_ref())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, ffi, SCHEMA_CAPSULE)
    }

    /// Number of rows.
    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The column names.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
}
