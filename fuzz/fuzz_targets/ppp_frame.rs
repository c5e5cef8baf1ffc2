//! Any bytes as one PPP frame, and its Information field as every packet
//! type PPP carries: each decoder returns a value or an error, never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tunnelscope::ppp::wire;

fuzz_target!(|data: &[u8]| {
    let info = wire::parse_frame(data).map_or(data, |f| f.information);
    let _ = wire::parse_lcp(info);
    let _ = wire::parse_ipcp(info);
    let _ = wire::parse_ipv6cp(info);
    let _ = wire::parse_ccp(info);
    let _ = wire::parse_pap(info);
    let _ = wire::parse_chap(info);
    let _ = wire::parse_eap(info);
    let _ = wire::parse_cbcp(info);
    let _ = wire::parse_inner_ip(info);
    let _ = wire::MppePacket::new_checked(info).map(|p| (p.coherency_count(), p.payload().len()));
    let _ = wire::MsChapV2Response::parse(info);
    let _ = wire::MsChapV1Response::parse(info);
    let _ = wire::MsChapV2Success::parse(info);
    let _ = wire::MsChapFailure::parse(info);
});
