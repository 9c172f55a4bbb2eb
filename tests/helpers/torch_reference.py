"""Reading the stored PyTorch reference files (lstm_core/data/torch_lstm.npz, tests/reference/torch_gru.npz) with
plain numpy: one case's arrays by name, and its sizes. Shared by the LSTM and the GRU reference tests."""

import numpy as np


class StoredReference:
    """Every array of one .npz, keyed ``"<case>/<name>"``, plus the list of case names in ``cases``."""

    def __init__(self, path):
        with np.load(path, allow_pickle=False) as z:
            self.data = {k: z[k] for k in z.files}
        self.cases = [str(c) for c in self.data["cases"]]

    def case(self, name):
        """One case's arrays, keyed by name without the case prefix (``weight_ih``, ``xs``, ``h`` ...)."""
        return {key.split("/", 1)[1]: arr for key, arr in self.data.items() if key.startswith(name + "/")}


def sizes(ref):
    """(D, H, T, B) of a case, B None when unbatched, read from the torch-layout arrays."""
    H = ref["weight_hh"].shape[1]
    D = ref["weight_ih"].shape[1]
    T = ref["xs"].shape[0]
    B = ref["xs"].shape[1] if ref["xs"].ndim == 3 else None
    return D, H, T, B
