"""Reports: documents (Word, PDF, Excel) and charts built from evaluation results."""
