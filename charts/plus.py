"""The only import of cdk8s-plus in the project.

cdk8s-plus is published once per Kubernetes minor version (cdk8s-plus-28,
-29, ...). Keeping the import here makes moving to another one a one-line
change plus a reviewed dist/ diff.
"""

import cdk8s_plus_28 as kplus

__all__ = ["kplus"]
