"""The evaluation archive (评价档案): bundles of a closed round that verify themselves."""

from kaoping.archive.bundle import Verification, base_data_csv, build_bundle, verify_bundle

__all__ = ["Verification", "base_data_csv", "build_bundle", "verify_bundle"]
