// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Signature recovery for EIP-712 digests
/// @notice `ecrecover` with the checks it lacks: a 65-byte (r, s, v) signature, v of 27 or 28,
/// and s in the lower half of the curve order, so a signature has exactly one valid encoding.
library ECDSA {
    /// @dev secp256k1 order / 2
    uint256 private constant _HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    error ECDSAInvalidSignatureLength(uint256 length);
    error ECDSAInvalidSignatureS(bytes32 s);
    error ECDSAInvalidSignatureV(uint8 v);

    /// @notice The address that signed `digest`; address(0) when `ecrecover` finds none.
    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) revert ECDSAInvalidSignatureLength(signature.length);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > _HALF_ORDER) revert ECDSAInvalidSignatureS(s);
        if (v != 27 && v != 28) revert ECDSAInvalidSignatureV(v);
        return ecrecover(digest, v, r, s);
    }
}
