"""Ctrl-C stops ax.overview and ax.invariance (a notebook's interrupt): the engine is cancelled and
KeyboardInterrupt raised. Each call here would run for over 12 minutes on 2 cores, past the
CTest's timeout (300 s), if the interrupt were not heard; the module works normally afterwards."""
import os
import signal
import threading

import numpy as np
import pytest

import attention_explorer as ax

RNG = np.random.default_rng(9)


def interrupt_soon():
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()


def test_ctrl_c_stops_a_long_overview():
    q = RNG.standard_normal((200_000, 64))  # 4e10 cells through a typed formula: about 800 s
    interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        ax.overview(q, pixels=64, method="custom:exp(2*z)")
    assert ax.overview(q[:100], pixels=10).shape == (10, 10)


def test_ctrl_c_stops_a_long_invariance_sweep():
    q = RNG.standard_normal((8192, 16))
    interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        ax.invariance(q, methods=["exp", "relu"], shifts=list(np.linspace(0.1, 10, 300)))  # about 770 s
    assert len(ax.invariance(q[:50], methods=["exp"], shifts=[1.0])) == 1
