#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){int n=256;double pause=atof(argv[1])*1e-6;float*a=malloc(4*n*n),*b=malloc(4*n*n),*c=malloc(4*n*n);for(int i=0;i<n*n;i++){a[i]=1;b[i]=1;}
 int N=2000;double*t=malloc(8*N);for(int i=0;i<N;i++){double s=now();while(now()-s<pause)continue;s=now();cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,n,n,n,1,a,n,b,n,0,c,n);t[i]=now()-s;}
 qsort(t,N,8,cmp);printf("pause %4.0f us: sgemm 256^3 min %.1f us, median %.1f us\n",pause*1e6,t[0]*1e6,t[N/2]*1e6);}
