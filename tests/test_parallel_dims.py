"""ParallelDims arithmetic and checks, without processes or a mesh (trainer.parallel.dims).

The mesh itself (built once, dims ("dp", "tp")) is exercised by tests/test_tp.py's
torchrun launches.
"""

import pytest

from trainer.parallel.dims import ParallelDims, ParallelDimsError, check_compatible, check_model_divisible


class Config:
    """Just the sizes ``check_model`` reads (a T5Config has the same attributes)."""

    def __init__(self, num_heads=8, d_ff=2048, vocab_size=32128):
        self.num_heads, self.d_ff, self.vocab_size = num_heads, d_ff, vocab_size


def one_line_error(fn, *args, **kwargs) -> str:
    with pytest.raises(ParallelDimsError) as err:
        fn(*args, **kwargs)
    message = str(err.value)
    assert "\n" not in message, message
    return message


def test_dp_is_world_size_over_tp():
    dims = ParallelDims(tp=2, world_size=8)
    assert (dims.dp, dims.dp_size, dims.tp) == (4, 4, 2)
    assert dims.tp_enabled and dims.dp_enabled
    single = ParallelDims()
    assert (single.dp, single.tp, single.tp_enabled, single.dp_enabled) == (1, 1, False, False)
    assert ParallelDims(tp=4, world_size=4).dp_enabled is False


def test_ranks_are_laid_out_dp_major_like_the_mesh():
    """Rank r sits at (r // tp, r % tp): a tp group is tp consecutive ranks, as in init_device_mesh."""
    dims = ParallelDims(tp=2, world_size=8)
    assert [dims.coords(rank) for rank in range(8)] == [(d, t) for d in range(4) for t in range(2)]
    assert dims.tp_group_ranks(5) == [4, 5]
    assert [dims.tp_rank(rank) for rank in range(4)] == [0, 1, 0, 1]


def test_data_is_sharded_by_dp_rank_only():
    dims = ParallelDims(tp=4, world_size=8)
    shards = [dims.data_shard(rank) for rank in range(8)]
    # tp peers read the same shard; the dp replicas split the data in dims.dp parts.
    assert shards == [(0, 2)] * 4 + [(1, 2)] * 4
    for rank in range(8):
        assert {dims.data_shard(peer) for peer in dims.tp_group_ranks(rank)} == {dims.data_shard(rank)}


def test_this_process_rank_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RANK", "3")
    dims = ParallelDims(tp=2, world_size=4)
    assert (dims.dp_rank(), dims.tp_rank(), dims.data_shard()) == (1, 1, (1, 2))


def test_from_env_reads_the_world_size(monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "6")
    dims = ParallelDims.from_env(tp=3)
    assert (dims.world_size, dims.dp, dims.tp) == (6, 2, 3)
    monkeypatch.delenv("WORLD_SIZE")
    assert ParallelDims.from_env().world_size == 1


def test_tp_that_does_not_divide_the_world_size_is_one_line_error():
    message = one_line_error(ParallelDims, tp=3, world_size=8)
    assert "--tensor_parallel_size 3" in message and "world size 8" in message
    assert "(1, 2, 4, 8)" in message  # the sizes that would work


def test_dp_that_disagrees_is_one_line_error():
    message = one_line_error(ParallelDims, tp=2, world_size=8, dp=2)
    assert "dp 2 x tp 2 = 4" in message and "world size is 8" in message and "world_size // tp = 4" in message
    assert ParallelDims(tp=2, world_size=8, dp=4).dp == 4  # a consistent dp is accepted


@pytest.mark.parametrize("tp,world_size", [(0, 2), (-1, 2), (2, 0)])
def test_sizes_must_be_positive(tp, world_size):
    assert "positive integer" in one_line_error(ParallelDims, tp=tp, world_size=world_size)


def test_rank_out_of_range_is_an_error():
    assert "rank 4 is not in [0, 4)" in one_line_error(ParallelDims(tp=2, world_size=4).coords, 4)


def test_model_sizes_divisible_by_tp_pass():
    ParallelDims(tp=8, world_size=8).check_model(Config())  # t5-small sizes
    ParallelDims(tp=4, world_size=8).check_model(Config(num_heads=12, d_ff=3072))  # t5-base sizes
    ParallelDims().check_model(Config(num_heads=7, d_ff=33, vocab_size=101))  # tp 1 splits nothing


def test_heads_not_divisible_by_tp_is_one_line_error():
    message = one_line_error(ParallelDims(tp=8, world_size=8).check_model, Config(num_heads=12, d_ff=3072))
    assert "--tensor_parallel_size 8" in message and "num_heads=12" in message
    assert "(1, 2, 3, 4, 6, 12)" in message  # the fix: a size that divides 12


def test_d_ff_not_divisible_by_tp_is_one_line_error():
    message = one_line_error(check_model_divisible, Config(num_heads=8, d_ff=1002), 8)
    assert "d_ff=1002" in message and "FFN width" in message


def test_vocab_not_divisible_by_tp_says_how_to_pad():
    message = one_line_error(check_model_divisible, Config(vocab_size=32100), 8)
    assert "vocab_size=32100" in message and "pad_to_multiple_of=8" in message


def test_deepspeed_with_tp_is_refused_in_one_line():
    message = one_line_error(check_compatible, 2, "configs/zero2.json")
    assert "--tensor_parallel_size 2" in message and "configs/zero2.json" in message
    assert "drop --deepspeed" in message and "FSDP2" in message
    assert "<config dict>" in one_line_error(check_compatible, 4, {"zero_optimization": {"stage": 2}})
    check_compatible(1, "configs/zero2.json")  # ZeRO without TP is fine
    check_compatible(2, None)  # TP without DeepSpeed is fine
