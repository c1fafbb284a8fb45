"""WebdPro on AWS: CDK v2 stacks generated from the resource manifest (`deploy/resources.toml`).

Synthesis runs the CDK's JavaScript core through jsii on the machine's Node.js (nothing is downloaded). Node 20
still works but jsii prints a large end-of-life banner on every start; it is silenced here, before jsii starts.
"""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
